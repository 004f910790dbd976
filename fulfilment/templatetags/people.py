from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, empty: str = "") -> str:
    """A user's full name, else their login; ``empty`` (or "system") for nobody."""
    if user is None:
        return empty or _("system")
    return user.get_full_name() or user.get_username()
