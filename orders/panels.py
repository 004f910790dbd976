"""Sections that other apps add to the deal card and to record cards (a supplier order),
so that orders needs to know none of them.

An app registers a panel in its ``AppConfig.ready()``: a template and a function that
returns the panel's context for a request and the deal or record (or None to leave the
panel out). Cards render their panels in ``order``. Each function does a fixed number
of queries, whatever the deal holds.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class DealPanel:
    name: str
    template: str
    context: Callable[[HttpRequest, object], dict | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    data: dict


_panels: dict[str, dict[str, DealPanel]] = {}


def register_deal_panel(panel: DealPanel, *, model: str = "orders.deal") -> None:
    """Add a panel to the card of ``model`` (a label such as "orders.supplierorder")."""
    _panels.setdefault(model, {})[panel.name] = panel


def deal_panels(request: HttpRequest, record) -> list[RenderedPanel]:
    """The panels of the card of ``record`` (a deal or one of its records)."""
    rendered = []
    panels = _panels.get(record._meta.label_lower, {})
    for panel in sorted(panels.values(), key=lambda p: (p.order, p.name)):
        data = panel.context(request, record)
        if data is not None:
            rendered.append(RenderedPanel(panel.name, panel.template, data))
    return rendered
