"""Working days: the national production calendar plus the company's own exceptions.

The national part comes from the ``holidays`` package (country from the
``HOLIDAYS_COUNTRY`` setting, RU by default), which knows public holidays, days off
moved by government decree and the Saturdays worked in exchange. The company adds its
own extra days off and extra working days in the admin (``CalendarDay``).

A ``WorkingCalendar`` reads each year it touches once (one query for the company's
days; the national days are cached for the life of the process), so a batch of
deadlines costs no query per day. Create one per unit of work — a request, a job, a
batch — so an exception entered in the admin applies from the next one on.

This module imports no app: every app may use it.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings

from fulfilment.models import CalendarDay


@lru_cache(maxsize=128)
def _national_year(country: str, year: int) -> tuple[frozenset, frozenset]:
    """The year's national days off (holidays, moved days off) and weekend working days."""
    national = holidays.country_holidays(country, years=year)
    days_off = frozenset(day for day in national if day.year == year)
    weekend_working = frozenset(
        day for day in getattr(national, "weekend_workdays", ()) if day.year == year
    )
    return days_off, weekend_working


class WorkingCalendar:
    def __init__(self, country: str | None = None) -> None:
        self.country = country or settings.HOLIDAYS_COUNTRY
        self._years: dict[int, tuple[frozenset, frozenset]] = {}

    def _year(self, year: int) -> tuple[frozenset, frozenset]:
        if year not in self._years:
            days_off, working = _national_year(self.country, year)
            company = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
            extra_off = {d for d, kind in company.items() if kind == CalendarDay.Kind.DAY_OFF}
            extra_working = {
                d for d, kind in company.items() if kind == CalendarDay.Kind.WORKING_DAY
            }
            self._years[year] = (
                (days_off | extra_off) - extra_working,
                (working | extra_working) - extra_off,
            )
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        days_off, working = self._year(day.year)
        if day in working:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The date ``count`` working days after ``day`` (before it, if negative).

        ``day`` itself is not counted: one working day after a Friday is the next Monday
        (if that is a working day). Zero returns ``day`` unchanged.
        """
        step = datetime.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day after ``day``."""
        return self.add_working_days(day, 1)

    def on_or_after(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def on_or_before(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the previous one."""
        return day if self.is_working_day(day) else self.add_working_days(day, -1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if backwards)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    return WorkingCalendar().add_working_days(day, count)


def next_working_day(day: datetime.date) -> datetime.date:
    return WorkingCalendar().next_working_day(day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkingCalendar().working_days_between(start, end)
