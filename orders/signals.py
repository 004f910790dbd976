"""What the orders app tells the others. Sent by services, inside their transaction."""

from django.dispatch import Signal

# A batch of records entered a stage. ``sender`` is the model class; ``changes`` is a
# list of StageChange rows (one per record, each with ``record`` set to the moved
# object); ``actor`` is the user who moved them. Receivers run in the same transaction,
# so whatever they write commits or rolls back together with the stage change.
stage_entered = Signal()

# A supplier order was created (``created=True``), or its dates, amount or terms were
# edited (a step and the date it records are announced by ``stage_entered``).
# ``changed`` names the fields whose value changed, ``actor`` who changed them. Sent
# inside the service's transaction: a receiver may refuse the change by raising
# ValidationError (payments does, for an amount below what was already paid).
supplier_order_changed = Signal()
