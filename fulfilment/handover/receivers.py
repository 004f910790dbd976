"""How the hand-over process hears about the other apps' events."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from fulfilment.handover.rules import fire_rules
from fulfilment.handover.services import tasks_cancel_for_deals
from orders.models import Deal
from orders.signals import stage_entered


@receiver(stage_entered, dispatch_uid="handover-fire-rules")
def create_tasks_for_stage_entries(sender, changes, actor=None, **kwargs) -> None:
    fire_rules(changes=changes, actor=actor)


@receiver(stage_entered, dispatch_uid="handover-cancel-lost")
def cancel_tasks_of_lost_deals(sender, changes, actor=None, **kwargs) -> None:
    """Nobody should keep working for a deal that was lost."""
    if sender is not Deal:
        return
    lost = [change.object_id for change in changes if change.target == Deal.Stage.LOST]
    if lost:
        tasks_cancel_for_deals(deal_ids=lost, actor=actor, reason=_("The deal was lost."))
