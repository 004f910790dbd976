"""What every state machine here shares: conditions that say why, and the options a page shows.

A django-fsm condition answers yes or no; a person needs to know *why not*. A
``Requirement`` is a condition that can also list its reasons, so the same object guards
the transition and explains the refusal on the page, in the API and in the admin.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class Requirement:
    """A transition condition that lists why it is not met (empty list: it is met)."""

    def __init__(self, reasons: Callable[[object], Sequence[str]]) -> None:
        self.reasons = reasons
        self.__name__ = getattr(reasons, "__name__", "requirement")

    def __call__(self, instance: object) -> bool:
        return not self.reasons(instance)


class TransitionRefused(Exception):
    """The transition is not allowed now; ``reasons`` say why, in words."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


class TransitionConflict(Exception):
    """Somebody else changed the record first; the page should reload it."""


_STYLE_ORDER = {"primary": 0, "secondary": 1, "danger": 2}


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    reasons: list[str] = field(default_factory=list)
    comment_required: bool = False
    style: str = "secondary"
    dates: tuple[tuple[str, object], ...] = ()  # (date field the step asks for, its value now)

    @property
    def allowed(self) -> bool:
        return not self.reasons


def transitions_from(instance, field_name: str):
    """The transitions declared from the instance's current state (met or not)."""
    current = getattr(instance, field_name)
    all_transitions = getattr(instance, f"get_all_{field_name}_transitions")()
    return [t for t in all_transitions if t.source in (current, "*", "+")]


def unmet_reasons(instance, transition) -> list[str]:
    reasons: list[str] = []
    for condition in transition.conditions or ():
        if isinstance(condition, Requirement):
            reasons.extend(condition.reasons(instance))
        elif not condition(instance):
            reasons.append(_("A condition for this step is not met."))
    return reasons


def transition_options(
    instance, field_name: str, *, refuse_all: Sequence[str] = ()
) -> list[TransitionOption]:
    """Every step the record could take now, each with the reasons it is refused (if any)."""
    options = []
    for t in transitions_from(instance, field_name):
        custom = t.custom or {}
        options.append(
            TransitionOption(
                name=t.name,
                label=str(custom.get("label", t.name)),
                target=t.target,
                reasons=list(refuse_all) or unmet_reasons(instance, t),
                comment_required=bool(custom.get("comment_required")),
                style=custom.get("style", "secondary"),
                dates=tuple(
                    (field, getattr(instance, field, None)) for field in custom.get("dates", ())
                ),
            )
        )
    # The way forward first, the way out last.
    return sorted(options, key=lambda option: _STYLE_ORDER.get(option.style, 1))


def transition_by_name(instance, field_name: str, name: str):
    for t in getattr(instance, f"get_all_{field_name}_transitions")():
        if t.name == name:
            return t
    return None
