"""The secret calendar address: made, renewed and switched off; what calendar programs read."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from fulfilment import roles
from fulfilment.roles import Can, Role
from payments import feeds
from payments.models import CalendarFeed, Installment
from tests.factories import DealInRealizationFactory, SupplierFactory, SupplierOrderFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
PAGE = reverse("payments:calendar-feed-page")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://fulfilment.example.com"
    settings.COMPANY_NAME = "ООО «Торговая компания»"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=MOSCOW), tick=False):
        yield


def installment(order, **fields) -> Installment:
    values = {
        "position": 1,
        "share": Decimal("100.00"),
        "amount": order.amount,
        "currency": order.currency,
        "base_event": "delivery",
        "provisional": False,
        "due_date": datetime.date(2026, 12, 10),
        "reminder_date": datetime.date(2026, 12, 7),
    }
    return Installment.objects.create(supplier_order=order, **{**values, **fields})


def order_of(deal=None, **fields):
    deal = deal or DealInRealizationFactory(realization_number="R-2026-00042")
    return SupplierOrderFactory(
        deal=deal,
        number=fields.pop("number", f"{deal.realization_number}/SO-1"),
        supplier=SupplierFactory(name=fields.pop("supplier_name", "ООО «Насосы Урала»")),
        amount=Decimal("1200000.00"),
        **fields,
    )


def feed_path(feed: CalendarFeed) -> str:
    return reverse("payments:calendar-feed", args=[feed.token])


def read_feed(path: str) -> Calendar:
    response = Client().get(path)  # a calendar program: nobody is logged in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_an_accountant_makes_a_calendar_address_and_the_page_shows_it(client_of, accountant):
    client = client_of(accountant)

    before = client.get(PAGE)
    response = client.post(PAGE, {"action": "create"}, follow=True)

    assert "You have no calendar address yet." in before.text
    feed = CalendarFeed.objects.get(user=accountant)
    assert f"https://fulfilment.example.com/payments/calendar/{feed.token}.ics" in response.text
    assert "Your calendar address is ready." in response.text


def test_the_feed_has_an_all_day_event_per_unpaid_installment(
    accountant, django_assert_max_num_queries
):
    order = order_of()
    first = installment(order, amount=Decimal("360000.00"), paid_amount=Decimal("0.00"))
    second = installment(
        order,
        position=2,
        amount=Decimal("840000.00"),
        paid_amount=Decimal("40000.00"),
        provisional=True,
        due_date=datetime.date(2027, 3, 1),
    )
    installment(
        order,
        position=3,
        amount=Decimal("1.00"),
        state=Installment.State.PAID,
        paid_amount=Decimal("1.00"),
    )
    installment(order, position=4, amount=Decimal("1.00"), state=Installment.State.CANCELLED)
    installment(order, position=5, amount=Decimal("1.00"), due_date=None)
    installment(order, position=6, amount=Decimal("1.00"), due_date=datetime.date(2029, 1, 1))
    installment(order, position=7, amount=Decimal("1.00"), due_date=datetime.date(2025, 10, 1))
    feed = feeds.feed_create_or_renew(user=accountant)

    with django_assert_max_num_queries(3):
        calendar = read_feed(feed_path(feed))

    assert str(calendar["X-WR-CALNAME"]) == "ООО «Торговая компания»: supplier payments"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert list(events) == [
        f"installment-{first.pk}@fulfilment.example.com",
        f"installment-{second.pk}@fulfilment.example.com",
    ]
    event = events[f"installment-{second.pk}@fulfilment.example.com"]
    assert (
        str(event["SUMMARY"]) == "Payment R-2026-00042/SO-1: 800 000.00 RUB to ООО «Насосы Урала»"
    )
    assert event.decoded("DTSTART") == datetime.date(2027, 3, 1)
    assert not isinstance(event.decoded("DTSTART"), datetime.datetime)  # all day
    description = str(event["DESCRIPTION"])
    assert "Provisional" in description
    assert f"https://fulfilment.example.com/installments/{second.pk}/" in description
    assert "Provisional" not in str(
        events[f"installment-{first.pk}@fulfilment.example.com"]["DESCRIPTION"]
    )


def test_a_new_address_locks_the_old_one_out(client_of, accountant):
    installment(order_of())
    client = client_of(accountant)
    client.post(PAGE, {"action": "create"})
    old = feed_path(CalendarFeed.objects.get(user=accountant))

    response = client.post(PAGE, {"action": "renew"}, follow=True)

    new = feed_path(CalendarFeed.objects.get(user=accountant))
    assert new != old
    assert "the old one no longer works" in response.text
    assert Client().get(old).status_code == 404
    assert len(read_feed(new).walk("VEVENT")) == 1


def test_a_switched_off_feed_is_not_found(client_of, accountant):
    client = client_of(accountant)
    client.post(PAGE, {"action": "create"})
    path = feed_path(CalendarFeed.objects.get(user=accountant))

    response = client.post(PAGE, {"action": "revoke"}, follow=True)

    assert not CalendarFeed.objects.filter(user=accountant).exists()
    assert "You have no calendar address yet." in response.text
    assert Client().get(path).status_code == 404


def test_an_unknown_address_is_not_found():
    assert (
        Client().get(reverse("payments:calendar-feed", args=["guessed-token"])).status_code == 404
    )


def test_the_feed_of_a_deactivated_user_is_not_found(accountant):
    feed = feeds.feed_create_or_renew(user=accountant)
    accountant.is_active = False
    accountant.save()

    assert Client().get(feed_path(feed)).status_code == 404


def test_the_feed_of_a_user_who_lost_the_payments_role_is_not_found(accountant):
    feed = feeds.feed_create_or_renew(user=accountant)
    accountant.groups.clear()

    assert Client().get(feed_path(feed)).status_code == 404


def test_the_feed_shows_only_the_deals_its_owner_may_see(monkeypatch, manager, other_manager):
    # No role today both sees payments and is limited to its own deals; a sales manager
    # given payments stands for one, and must still see only their own deals.
    monkeypatch.setitem(
        roles.PERMISSIONS,
        Role.SALES_MANAGER,
        roles.PERMISSIONS[Role.SALES_MANAGER] | {Can.VIEW_PAYMENTS},
    )
    own = installment(
        order_of(DealInRealizationFactory(manager=manager, realization_number="R-2026-00042"))
    )
    installment(
        order_of(DealInRealizationFactory(manager=other_manager, realization_number="R-2026-00043"))
    )
    feed = feeds.feed_create_or_renew(user=manager)

    calendar = read_feed(feed_path(feed))

    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        f"installment-{own.pk}@fulfilment.example.com"
    ]


def test_a_sales_manager_has_no_calendar_page(client_of, manager):
    client = client_of(manager)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()
