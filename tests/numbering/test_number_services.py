import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from numbering.models import IssuedNumber, NumberCounter, NumberSeries, validate_number_format
from numbering.services import (
    REALIZATION,
    UnknownSeries,
    child_number,
    child_number_issue,
    number_issue,
    numbers_issue,
)

pytestmark = pytest.mark.django_db


def test_numbers_follow_each_other_in_the_default_format():
    assert number_issue(series_code=REALIZATION, year=2026) == "R-2026-00001"
    assert number_issue(series_code=REALIZATION, year=2026) == "R-2026-00002"


def test_each_year_starts_again_at_one():
    number_issue(series_code=REALIZATION, year=2026)
    number_issue(series_code=REALIZATION, year=2026)
    assert number_issue(series_code=REALIZATION, year=2027) == "R-2027-00001"
    assert number_issue(series_code=REALIZATION, year=2026) == "R-2026-00003"


def test_a_batch_takes_consecutive_numbers_under_one_lock():
    assert numbers_issue(series_code=REALIZATION, year=2026, count=3) == [
        "R-2026-00001",
        "R-2026-00002",
        "R-2026-00003",
    ]
    assert NumberCounter.objects.get(year=2026).last_value == 3
    assert list(IssuedNumber.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_a_rolled_back_transaction_consumes_no_number():
    def issue_then_fail():
        with transaction.atomic():
            number_issue(series_code=REALIZATION, year=2026)
            raise RuntimeError("the deal could not be saved")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert number_issue(series_code=REALIZATION, year=2026) == "R-2026-00001"


def test_a_new_format_applies_to_new_numbers_only():
    first = number_issue(series_code=REALIZATION, year=2026)
    NumberSeries.objects.filter(code=REALIZATION).update(format="RN{year}-{seq:04d}")
    assert number_issue(series_code=REALIZATION, year=2026) == "RN2026-0002"
    assert IssuedNumber.objects.filter(value=first).exists()


def test_an_unknown_series_is_an_error():
    with pytest.raises(UnknownSeries):
        number_issue(series_code="nonexistent", year=2026)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("R-{seq:05d}", "needs both {year} and {seq}"),
        ("R-{year}-{number}", "Unknown placeholder {number}"),
        ("R-{year}-{seq:05q}", "not valid"),
        ("R-{year}/{seq}", "must not contain '/'"),
        ("R-{year-{seq}", "not valid"),
    ],
)
def test_a_broken_format_is_refused_with_the_reason(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_number_format(value)


def test_child_numbers_count_per_parent_and_kind():
    assert child_number(parent="R-2026-00042", kind="SO", sequence=2) == "R-2026-00042/SO-2"
    assert child_number_issue(parent="R-2026-00042", kind="SO") == "R-2026-00042/SO-1"
    assert child_number_issue(parent="R-2026-00042", kind="SO") == "R-2026-00042/SO-2"
    assert child_number_issue(parent="R-2026-00042", kind="C") == "R-2026-00042/C-1"
    assert child_number_issue(parent="R-2026-00043", kind="SO") == "R-2026-00043/SO-1"
