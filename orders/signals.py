"""What the orders app tells the others. Sent by services, inside their transaction."""

from django.dispatch import Signal

# A batch of records entered a stage. ``sender`` is the model class; ``changes`` is a
# list of StageChange rows (one per record, each with ``record`` set to the moved
# object); ``actor`` is the user who moved them. Receivers run in the same transaction,
# so whatever they write commits or rolls back together with the stage change.
stage_entered = Signal()

# A supplier order's dates, amount or terms changed (not its stage: that is
# ``stage_entered``). ``order`` is the saved order; ``changed`` names the fields whose
# value changed, ``actor`` who changed them. Sent inside the service's transaction.
supplier_order_changed = Signal()
