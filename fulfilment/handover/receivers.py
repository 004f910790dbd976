"""How the hand-over process hears about the other apps' events."""

from django.conf import settings
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from fulfilment.handover.date_rules import payment_tasks_close, reminders_follow_due_dates
from fulfilment.handover.rules import fire_rules
from fulfilment.handover.services import tasks_cancel_for_deals
from orders.models import Deal
from orders.signals import stage_entered
from payments.signals import installment_paid, installments_cancelled, installments_rescheduled


@receiver(stage_entered, dispatch_uid="handover-fire-rules")
def create_tasks_for_stage_entries(sender, changes, actor=None, **kwargs) -> None:
    fire_rules(changes=changes)


@receiver(stage_entered, dispatch_uid="handover-cancel-lost")
def cancel_tasks_of_lost_deals(sender, changes, actor=None, **kwargs) -> None:
    """Nobody should keep working for a deal that was lost."""
    if sender is not Deal:
        return
    lost_changes = [change for change in changes if change.target == Deal.Stage.LOST]
    lost = [change.object_id for change in lost_changes]
    if lost:
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The deal was lost.")
        tasks_cancel_for_deals(deal_ids=lost, actor=actor, reason=reason, keep_entries=lost_changes)


@receiver(installments_rescheduled, dispatch_uid="handover-reminders-follow")
def move_reminders(sender, moved, actor=None, reason="", **kwargs) -> None:
    reminders_follow_due_dates(moved=moved, actor=actor, reason=reason)


@receiver(installments_cancelled, dispatch_uid="handover-reminders-cancel")
def cancel_reminders(sender, installments, actor=None, reason="", **kwargs) -> None:
    payment_tasks_close(installments=installments, name="cancel", actor=actor, note=reason)


@receiver(installment_paid, dispatch_uid="handover-reminders-done")
def complete_reminders(sender, installment, actor=None, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        note = _("The installment is paid.")
    payment_tasks_close(installments=[installment], name="complete", actor=actor, note=note)
