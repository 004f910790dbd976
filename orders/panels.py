"""Sections that other apps add to the deal card, so that orders needs to know none of them.

An app registers a panel in its ``AppConfig.ready()``: a template and a function that
returns the panel's context for a request and a deal (or None to leave the panel out).
The deal card renders the panels in ``order``. Each function does a fixed number of
queries, whatever the deal holds.
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


_panels: dict[str, DealPanel] = {}


def register_deal_panel(panel: DealPanel) -> None:
    _panels[panel.name] = panel


def deal_panels(request: HttpRequest, deal) -> list[RenderedPanel]:
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        data = panel.context(request, deal)
        if data is not None:
            rendered.append(RenderedPanel(panel.name, panel.template, data))
    return rendered
