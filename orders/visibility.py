"""Who may open a record of a deal, and so the files attached to it.

A file is served only to users who may see the record it is attached to. orders knows
its own records (the deal, supplier orders, contracts, supplementary agreements); another
app whose records carry files registers, in its ``AppConfig.ready()``, the function that
returns the records of its model a user may see (the hand-over process does this for
tasks). A file on a record of an unregistered kind is served to nobody.
"""

from collections.abc import Callable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

VisibleRecords = Callable[[object], QuerySet]
_visible: dict[str, VisibleRecords] = {}


def register_record_visibility(model: str, visible_to: VisibleRecords) -> None:
    """``visible_to(user)`` returns the records of ``model`` (a label such as
    "handover.task") that ``user`` may open."""
    _visible[model.lower()] = visible_to


def registered_record_visibility() -> dict[str, VisibleRecords]:
    return dict(_visible)


def unregister_record_visibility(model: str) -> VisibleRecords | None:
    return _visible.pop(model.lower(), None)


def visible_records_filter(user) -> Q:
    """A filter on (content_type, object_id) matching the records ``user`` may open;
    one subquery per registered kind, whatever the number of records."""
    condition = Q(pk__in=[])
    for label, visible_to in _visible.items():
        model = apps.get_model(label)
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=visible_to(user).values("pk"),
        )
    return condition
