"""Working days on the Russian production calendar, with real dates."""

import datetime

import pytest

from fulfilment.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
from fulfilment.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


def test_three_working_days_after_30_october_2025_is_5_november():
    # 1 November 2025 (a Saturday) was worked; 3 and 4 November were off.
    assert add_working_days(D(2025, 10, 30), 3) == D(2025, 11, 5)


def test_one_working_day_after_30_december_2025_is_12_january_2026():
    # 31 December 2025 was a day off moved from 5 January; 1–11 January were holidays.
    assert add_working_days(D(2025, 12, 30), 1) == D(2026, 1, 12)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 11, 1), True),  # a worked Saturday
        (D(2025, 11, 3), False),  # the day off moved from it
        (D(2025, 11, 4), False),  # Unity Day
        (D(2025, 12, 31), False),  # moved day off
        (D(2026, 3, 9), False),  # 8 March fell on a Sunday: the Monday is off
        (D(2026, 3, 10), True),
        (D(2026, 4, 19), False),  # a Sunday
    ],
)
def test_the_production_calendar_knows_moved_days(day, working):
    assert is_working_day(day) is working


def test_counting_backwards_skips_days_off():
    assert add_working_days(D(2026, 1, 12), -1) == D(2025, 12, 30)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(D(2026, 3, 9), 0) == D(2026, 3, 9)


def test_working_days_between_two_dates():
    assert working_days_between(D(2025, 10, 30), D(2025, 11, 5)) == 3
    assert working_days_between(D(2025, 11, 5), D(2025, 10, 30)) == -3


def test_company_days_off_and_extra_working_days_count():
    CalendarDay.objects.create(
        date=D(2026, 3, 10), kind=CalendarDay.Kind.DAY_OFF, note="Инвентаризация"
    )
    CalendarDay.objects.create(date=D(2026, 3, 9), kind=CalendarDay.Kind.WORKING_DAY)
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2026, 3, 9))
    assert not calendar.is_working_day(D(2026, 3, 10))
    assert calendar.add_working_days(D(2026, 3, 6), 2) == D(2026, 3, 11)


def test_a_calendar_reads_the_company_days_once_per_year(django_assert_num_queries):
    calendar = WorkingCalendar()
    with django_assert_num_queries(2):  # 2025 and 2026
        # December 2025 holds 21 after the 1st, January 2026 fifteen, February its first four.
        assert calendar.add_working_days(D(2025, 12, 1), 40) == D(2026, 2, 5)
    with django_assert_num_queries(0):
        calendar.add_working_days(D(2026, 2, 1), 20)
