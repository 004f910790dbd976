from django import template
from django.utils.translation import gettext as _

register = template.Library()


def full_name(user) -> str:
    """A user's full name, else their login; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def person(user, empty: str = "") -> str:
    """A user's name for a page; ``empty`` (or "system") for nobody."""
    if user is None:
        return empty or _("system")
    return full_name(user)
