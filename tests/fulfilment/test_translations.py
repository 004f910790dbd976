from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_the_russian_catalogue_is_complete():
    catalogue = polib.pofile(str(LOCALE / "ru/LC_MESSAGES/django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source():
    source = polib.pofile(str(LOCALE / "ru/LC_MESSAGES/django.po"))
    compiled = polib.mofile(str(LOCALE / "ru/LC_MESSAGES/django.mo"))
    compiled_strings = {entry.msgid: entry.msgstr for entry in compiled}
    for entry in source.translated_entries():
        if not entry.msgid_plural:
            assert compiled_strings.get(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.parametrize(
    ("english", "russian"),
    [("Realization", "Реализация"), ("Move to Realization", "Перевести в реализацию")],
)
def test_the_interface_speaks_russian_by_default(english, russian):
    with translation.override("ru"):
        assert translation.gettext(english) == russian
