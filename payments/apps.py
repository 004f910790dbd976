from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from orders.panels import DealPanel, register_deal_panel
        from payments import receivers  # noqa: F401 - schedules follow the orders
        from payments.timeline import register_sources
        from payments.views.queue import deal_payments_panel, supplier_order_payments_panel

        register_deal_panel(
            DealPanel(
                "payments",
                "payments/partials/order_payments.html",
                supplier_order_payments_panel,
                order=10,
            ),
            model="orders.supplierorder",
        )
        register_deal_panel(
            DealPanel(
                "payments", "payments/partials/deal_payments.html", deal_payments_panel, order=35
            )
        )
        register_sources()
