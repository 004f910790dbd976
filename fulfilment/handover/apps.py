from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    """The hand-over process: departments, tasks, automation rules, dashboards."""

    name = "fulfilment.handover"
    label = "handover"
    verbose_name = _("Hand-over")

    def ready(self) -> None:
        from fulfilment.handover import receivers  # noqa: F401 - connects the signal receivers
        from fulfilment.handover.links import reminder_links
        from fulfilment.handover.selectors import tasks_visible_to
        from fulfilment.handover.timeline import register_sources
        from fulfilment.handover.views.tasks import deal_tasks_panel
        from orders.panels import DealPanel, register_deal_panel
        from orders.visibility import register_record_visibility
        from payments.links import register_installment_linker

        register_sources()
        register_record_visibility("handover.task", tasks_visible_to)
        register_installment_linker("reminders", reminder_links)
        from fulfilment.handover.plan import deal_plan_panel

        register_deal_panel(
            DealPanel("plan", "handover/partials/deal_plan.html", deal_plan_panel, order=5)
        )
        register_deal_panel(
            DealPanel(
                name="tasks",
                template="handover/partials/deal_tasks.html",
                context=deal_tasks_panel,
                order=10,
            )
        )
