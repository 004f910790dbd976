"""The role map (``fulfilment.roles``) as DRF permissions.

A view names the capability every one of its actions needs in ``required_capability``,
and those of single actions in ``action_capabilities`` (checked before the input is,
as a page refuses before it shows its form). Object-level rules stay where the pages
have them: the visibility selectors (anything else is a 404) and the services, which
check the actor again.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from fulfilment.roles import can


class HasCapability(BasePermission):
    message = _("Your role does not include this work.")

    def has_permission(self, request, view) -> bool:
        needed = (
            getattr(view, "required_capability", None),
            getattr(view, "action_capabilities", {}).get(getattr(view, "action", None)),
        )
        return all(capability is None or can(request.user, capability) for capability in needed)
