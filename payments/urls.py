from django.contrib.auth.decorators import login_not_required
from django.urls import path

from payments.views import extras, queue

app_name = "payments"

urlpatterns = [
    path("payments/", queue.payment_queue, name="queue"),
    path("payments/export/", extras.queue_export, name="queue-export"),
    path("payments/calendar/", extras.calendar_feed_page, name="calendar-feed-page"),
    # Calendar programs cannot log in: the secret token in the address is the key.
    path(
        "payments/calendar/<str:token>.ics",
        login_not_required(extras.calendar_feed),
        name="calendar-feed",
    ),
    path("installments/<int:pk>/", queue.installment_detail, name="installment-detail"),
    path("installments/<int:pk>/pay/", queue.installment_pay, name="installment-pay"),
    path(
        "installments/<int:pk>/request.pdf", extras.payment_request_pdf, name="payment-request-pdf"
    ),
    path(
        "supplier-orders/<int:order_pk>/payment-term/", queue.order_term_choose, name="order-term"
    ),
]
