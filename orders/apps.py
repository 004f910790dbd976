from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from orders import (
            selectors,
            timeline,  # noqa: F401 - registers orders' timeline sources
        )
        from orders.views import panels

        panels.register()
        selectors.register_visibility()
