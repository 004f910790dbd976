from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fulfilment.roles import Can, can
from orders.models import Contact, Counterparty

CONTACT_FIELDS = ("name", "position", "email", "phone")


def counterparty_save(
    *,
    actor,
    data: dict[str, Any],
    counterparty: Counterparty | None = None,
    contacts: list[dict[str, Any]] | None = None,
) -> Counterparty:
    """Save the counterparty and, when ``contacts`` is given, make its contacts exactly
    those rows: a row with an ``id`` edits that contact, one without adds a contact,
    and contacts left out are removed. One transaction for all of it."""
    if not can(actor, Can.EDIT_COUNTERPARTIES):
        raise PermissionDenied(_("You may not change counterparties."))
    counterparty = counterparty or Counterparty()
    for name, value in data.items():
        setattr(counterparty, name, value)
    with transaction.atomic():
        counterparty.full_clean()
        counterparty.save()
        if contacts is not None:
            _contacts_save(counterparty, contacts)
    return counterparty


def _contacts_save(counterparty: Counterparty, contacts: list[dict[str, Any]]) -> None:
    existing = {contact.pk: contact for contact in counterparty.contacts.all()}
    rows, problems = [], []
    for number, data in enumerate(contacts, start=1):
        row = existing.get(data.get("id")) or Contact(counterparty=counterparty)
        for name in CONTACT_FIELDS:
            if name in data:
                setattr(row, name, data[name])
        try:
            row.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = Contact._meta.get_field(field).verbose_name if field != "__all__" else ""
                problems.extend(
                    _("Contact %(number)d, %(field)s: %(problem)s")
                    % {"number": number, "field": label, "problem": message}
                    for message in messages
                )
        rows.append(row)
    if problems:
        raise ValidationError(problems)
    kept = {row.pk for row in rows if row.pk}
    Contact.objects.filter(pk__in=[pk for pk in existing if pk not in kept]).delete()
    Contact.objects.bulk_update([row for row in rows if row.pk], list(CONTACT_FIELDS))
    Contact.objects.bulk_create([row for row in rows if not row.pk])
