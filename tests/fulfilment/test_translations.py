import os
import subprocess
import sys
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


def test_the_default_language_is_russian_without_configuration():
    env = {k: v for k, v in os.environ.items() if k != "LANGUAGE_CODE"}
    env["DJANGO_SETTINGS_MODULE"] = "fulfilment.settings"
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LANGUAGE_CODE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=LOCALE.parent,
    )
    assert shown.stdout.strip() == "ru"


@pytest.mark.django_db
def test_a_browser_that_asks_for_nothing_gets_russian_pages(client, settings):
    settings.LANGUAGE_CODE = "ru"
    page = client.get("/login/").content.decode()
    assert 'lang="ru"' in page
    assert ">Вход</button>" in page
