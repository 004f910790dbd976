"""Due dates on the production calendar, from real dates."""

import datetime
from decimal import Decimal

import pytest

from fulfilment.calendar import WorkingCalendar
from payments.models import PaymentTerm, TermInstallment, shares_problem
from payments.schedule import due_from, end_of_month, reminder_from, split_amount, worked_example

pytestmark = pytest.mark.django_db

D = datetime.date


def line(**fields) -> TermInstallment:
    return TermInstallment(
        **{
            "share": Decimal(100),
            "base_event": "delivery",
            "offset_days": 30,
            "day_type": "calendar",
            "day_off_rule": "next",
            "reminder_lead": 3,
            **fields,
        }
    )


@pytest.fixture
def calendar():
    return WorkingCalendar()


def test_thirty_calendar_days_from_delivery(calendar):
    assert due_from(D(2026, 3, 2), line(), calendar) == D(2026, 4, 1)


def test_ten_working_days_from_an_invoice_of_25_december_2025_is_20_january_2026(calendar):
    # 26, 29, 30 December; 31 December was a moved day off; 1–11 January were holidays;
    # then 12–16 and 19–20 January.
    due = due_from(
        D(2025, 12, 25),
        line(base_event="supplier_invoice", offset_days=10, day_type="working"),
        calendar,
    )
    assert due == D(2026, 1, 20)


def test_five_working_days_from_signing_skip_the_moved_9_march(calendar):
    assert due_from(
        D(2026, 3, 2),
        line(base_event="contract_signed", offset_days=5, day_type="working"),
        calendar,
    ) == D(2026, 3, 10)


@pytest.mark.parametrize(
    ("rule", "due"),
    [("next", D(2026, 4, 20)), ("previous", D(2026, 4, 17)), ("keep", D(2026, 4, 19))],
)
def test_a_due_date_on_a_sunday_follows_the_day_off_rule(calendar, rule, due):
    # 20 March 2026 + 30 days = Sunday 19 April.
    assert due_from(D(2026, 3, 20), line(day_off_rule=rule), calendar) == due


def test_counting_from_the_end_of_the_month(calendar):
    assert end_of_month(D(2026, 2, 10)) == D(2026, 2, 28)
    # The end of February 2026 + 15 days = 15 March, a Sunday: moved to Monday 16 March.
    assert due_from(D(2026, 2, 10), line(month_end=True, offset_days=15), calendar) == D(
        2026, 3, 16
    )


def test_the_reminder_comes_three_working_days_ahead(calendar):
    # Three working days before 12 January 2026 reach back over the New Year holidays.
    assert reminder_from(D(2026, 1, 12), 3, calendar) == D(2025, 12, 26)


def test_shares_that_do_not_add_up_are_refused_with_the_sum():
    assert shares_problem([Decimal("30"), Decimal("60")]) == "The shares add up to 90 %, not 100 %."
    assert shares_problem([Decimal("30"), Decimal("70")]) is None


@pytest.mark.parametrize(
    ("total", "shares", "parts"),
    [
        ("1000.00", ["30", "70"], ["300.00", "700.00"]),
        ("100.00", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("100.01", ["50", "50"], ["50.01", "50.00"]),
        ("0.05", ["33.33", "33.33", "33.34"], ["0.02", "0.02", "0.01"]),
    ],
)
def test_installment_amounts_add_up_exactly_to_the_order(total, shares, parts):
    result = split_amount(Decimal(total), [Decimal(s) for s in shares])
    assert result == [Decimal(p) for p in parts]
    assert sum(result) == Decimal(total)


def test_the_worked_example_of_the_seeded_prepayment_term(settings):
    settings.LANGUAGE_CODE = "en"
    term = PaymentTerm.objects.get(installments__base_event="contract_signed")
    example = worked_example(list(term.installments.order_by("position")))
    assert example == (
        "contract signed 2026-03-02, delivered 2026-03-20 → 30 % due 2026-03-10 (9 March is a day off), "
        "70 % due 2026-04-20 (19 April is a Sunday, moved to the next working day)"
    )


def test_three_terms_are_seeded():
    shapes = sorted(
        tuple(
            (i.share, i.base_event, i.offset_days, i.day_type)
            for i in term.installments.order_by("position")
        )
        for term in PaymentTerm.objects.all()
    )
    assert shapes == sorted(
        [
            ((Decimal("100.00"), "delivery", 30, "calendar"),),
            (
                (Decimal("30.00"), "contract_signed", 5, "working"),
                (Decimal("70.00"), "delivery", 30, "calendar"),
            ),
            ((Decimal("100.00"), "supplier_invoice", 10, "working"),),
        ]
    )
