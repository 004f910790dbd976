from fulfilment.handover.permissions import department_ids
from fulfilment.roles import Can, capabilities_of, roles_of


def navigation(request) -> dict:
    """What the shared layout needs to show the menu a user is entitled to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    capabilities = capabilities_of(user)
    return {
        "nav_roles": sorted(role.label for role in roles_of(user)),
        "nav_counterparties": Can.VIEW_COUNTERPARTIES in capabilities,
        "nav_payments": Can.VIEW_PAYMENTS in capabilities,
        "nav_tower": Can.VIEW_CONTROL_TOWER in capabilities,
        "nav_queue": bool(department_ids(user)) or Can.VIEW_ALL_TASKS in capabilities,
        "nav_supplier_orders": bool(
            capabilities
            & {Can.MANAGE_SUPPLIER_ORDERS, Can.VIEW_ALL_DEALS, Can.VIEW_REALIZATION_DEALS}
        ),
    }
