"""What the payments app tells the hand-over process. Sent inside the service's transaction."""

from django.dispatch import Signal

# Due dates moved or amounts changed: ``moved`` is a list of (installment, old due date).
installments_rescheduled = Signal()
# Unpaid installments were cancelled (their order was cancelled or its term changed), or
# partly paid ones settled at the amount paid because their order was cancelled.
installments_cancelled = Signal()
# An installment is fully paid.
installment_paid = Signal()
