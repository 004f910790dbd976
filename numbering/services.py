"""Issuing numbers: gapless per (series, year), unique, never reused.

The counter row is locked with ``select_for_update()`` inside the caller's transaction,
so a number is consumed only if the record that carries it commits. PostgreSQL
sequences are not used because a rolled-back transaction would leave a gap. On SQLite
``select_for_update()`` does nothing; the IMMEDIATE transaction mode serialises writers.

Lock order: the caller locks its own record first (the deal), then the counter.
"""

from django.db import transaction
from django.utils import timezone

from numbering.models import ChildCounter, IssuedNumber, NumberCounter, NumberSeries

REALIZATION = "realization"


class UnknownSeries(LookupError):
    pass


def _lock_counter(*, series: NumberSeries, year: int) -> int:
    """Lock the (series, year) counter row and return its last value."""
    counter = (
        NumberCounter.objects.select_for_update()
        .filter(series=series, year=year)
        .order_by()
        .values_list("last_value", flat=True)
    )
    last_value = counter.first()
    if last_value is None:
        # Two transactions may meet the first number of a year together: one insert
        # wins, the other is ignored, and both then queue on the same row lock.
        NumberCounter.objects.bulk_create(
            [NumberCounter(series=series, year=year)], ignore_conflicts=True
        )
        last_value = counter.first()
    return last_value


def numbers_issue(*, series_code: str, year: int, count: int = 1) -> list[str]:
    """Issue ``count`` consecutive numbers of a series for a year, in one lock."""
    if count < 1:
        return []
    try:
        # Read before the lock: everything done while holding it delays the next number.
        series = NumberSeries.objects.get(code=series_code)
    except NumberSeries.DoesNotExist:
        raise UnknownSeries(f"No number series {series_code!r}.") from None
    with transaction.atomic():
        first = _lock_counter(series=series, year=year) + 1
        last = first + count - 1
        NumberCounter.objects.filter(series=series, year=year).update(
            last_value=last, updated_at=timezone.now()
        )
        IssuedNumber.objects.bulk_create(
            IssuedNumber(
                series=series,
                year=year,
                sequence=sequence,
                value=series.render(year=year, seq=sequence),
            )
            for sequence in range(first, last + 1)
        )
    return [series.render(year=year, seq=sequence) for sequence in range(first, last + 1)]


def number_issue(*, series_code: str, year: int) -> str:
    return numbers_issue(series_code=series_code, year=year)[0]


def child_number(*, parent: str, kind: str, sequence: int) -> str:
    """``R-2026-00042`` + ``SO`` + 2 → ``R-2026-00042/SO-2``."""
    return f"{parent}/{kind}-{sequence}"


def child_number_issue(*, parent: str, kind: str) -> str:
    """The next child number of a kind under a parent, in creation order, never reused."""
    with transaction.atomic():
        counters = ChildCounter.objects.select_for_update()
        try:
            counter = counters.get(parent=parent, kind=kind)
        except ChildCounter.DoesNotExist:
            ChildCounter.objects.bulk_create(
                [ChildCounter(parent=parent, kind=kind)], ignore_conflicts=True
            )
            counter = counters.get(parent=parent, kind=kind)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
    return child_number(parent=parent, kind=kind, sequence=counter.last_value)
