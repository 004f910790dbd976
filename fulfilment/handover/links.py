"""The reminder tasks, linked from the installments they remind of (the payment queue)."""

from fulfilment.handover.models import PaymentReminder, Task
from payments.links import InstallmentLink


def reminder_links(installments: list) -> dict[int, InstallmentLink]:
    links = {}
    reminders = (
        PaymentReminder.objects.filter(installment__in=installments, task__isnull=False)
        .select_related("task")
        .order_by("created_at", "pk")
    )
    for reminder in reminders:  # the latest reminder of an installment wins
        task = reminder.task
        links[reminder.installment_id] = InstallmentLink(
            label=task.get_status_display(),
            url=task.get_absolute_url(),
            done=task.status == Task.Status.DONE,
        )
    return links
