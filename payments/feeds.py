"""A user's secret iCalendar address for the due dates of supplier payments.

Calendar programs cannot log in, so the token in the address is the key: anyone who has
the address sees the dates, and making a new address (a new token) locks the old one out.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from fulfilment.roles import Can, can
from payments import selectors
from payments.models import CalendarFeed, Installment, new_feed_token

# --- Reads -------------------------------------------------------------------------------------


def feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_url(feed: CalendarFeed) -> str:
    """The absolute address a calendar program subscribes to."""
    return settings.SITE_URL + reverse("payments:calendar-feed", args=[feed.token])


def feed_owner(token: str):
    """The user whose feed has this token, if the feed may still be read; else None."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not can(feed.user, Can.VIEW_PAYMENTS):
        return None
    return feed.user


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def feed_installments(user, *, today: datetime.date) -> QuerySet[Installment]:
    """Unpaid installments with a due date from a year back to two years ahead."""
    return (
        selectors.installments_visible_to(user)
        .filter(
            state=Installment.State.OPEN,
            due_date__isnull=False,
            due_date__gte=_years_later(today, -1),
            due_date__lte=_years_later(today, 2),
        )
        .select_related("supplier_order__deal", "supplier_order__supplier")
        .order_by("due_date", "pk")
    )


def _money(value) -> str:
    """1 200 000.00: readable in any calendar program, whatever its language."""
    return f"{value:,.2f}".replace(",", " ")


def _event(installment: Installment, host: str) -> Event:
    order = installment.supplier_order
    event = Event()
    event.add("uid", f"installment-{installment.pk}@{host}")
    # The last change of the installment, so that an unchanged event looks unchanged.
    event.add("dtstamp", installment.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", installment.due_date)
    event.add("dtend", installment.due_date + datetime.timedelta(days=1))
    event.add(
        "summary",
        _("Payment %(order)s: %(amount)s %(currency)s to %(supplier)s")
        % {
            "order": order.number,
            "amount": _money(installment.outstanding),
            "currency": installment.currency,
            "supplier": order.supplier.name,
        },
    )
    link = settings.SITE_URL + installment.get_absolute_url()
    lines = [
        _("Installment %(position)s of %(amount)s %(currency)s, paid %(paid)s.")
        % {
            "position": installment.position,
            "amount": _money(installment.amount),
            "currency": installment.currency,
            "paid": _money(installment.paid_amount),
        },
        _("Provisional: the due date counts from a planned date.")
        if installment.provisional
        else _("The due date is fixed."),
        link,
    ]
    event.add("description", "\n".join(lines))
    event.add("url", link)
    event.add("status", "TENTATIVE" if installment.provisional else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def feed_calendar(*, user, today: datetime.date | None = None) -> bytes:
    """The iCalendar text of the user's feed, in the company's language."""
    today = today or timezone.localdate()
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Order fulfilment//Supplier payments//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add(
            "x-wr-calname",
            _("%(company)s: supplier payments") % {"company": settings.COMPANY_NAME},
        )
        # How often calendar programs should look again (most ignore less than an hour).
        calendar.add(
            "refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", "PT1H")
        for installment in feed_installments(user, today=today):
            calendar.add_component(_event(installment, host))
        return calendar.to_ical()


# --- Writes ------------------------------------------------------------------------------------


def feed_create_or_renew(*, user) -> CalendarFeed:
    """Give the user a calendar address; a new token at once revokes the old address."""
    if not can(user, Can.VIEW_PAYMENTS):
        raise PermissionDenied(_("Your role does not include this work."))
    with transaction.atomic():
        # created_at says when this address was made, so it moves with the token.
        feed, _created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token": new_feed_token(), "created_at": timezone.now()}
        )
    return feed


def feed_revoke(*, user) -> bool:
    """Switch the user's calendar address off; whether there was one."""
    with transaction.atomic():
        deleted, _by_model = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0
