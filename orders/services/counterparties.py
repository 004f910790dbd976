from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fulfilment.roles import Can, can
from orders.models import Counterparty


def counterparty_save(
    *, actor, data: dict[str, Any], counterparty: Counterparty | None = None
) -> Counterparty:
    if not can(actor, Can.EDIT_COUNTERPARTIES):
        raise PermissionDenied(_("You may not change counterparties."))
    counterparty = counterparty or Counterparty()
    for name, value in data.items():
        setattr(counterparty, name, value)
    with transaction.atomic():
        counterparty.full_clean()
        counterparty.save()
    return counterparty
