"""What the payments app tells the hand-over process. Sent inside the service's transaction."""

from django.dispatch import Signal

# Due dates moved: ``moved`` is a list of (installment, old due date).
installments_rescheduled = Signal()
# Unpaid installments were cancelled (their order was cancelled or its term changed).
installments_cancelled = Signal()
# An installment is fully paid.
installment_paid = Signal()
