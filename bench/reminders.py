"""The reminder job and the payment queue over 100,000 installments, on PostgreSQL.

    .venv/bin/python bench/reminders.py [--installments 100000] [--due 1000] [--renders 20]

1. The reminder job (``date_rules.payment_reminders_create``) over a table of
   installments of which ``--due`` have reached their reminder date, a fifth of the rest
   are open and reminded later, and the others are paid: its time and its query count,
   and the query count again with ten times fewer non-due rows, to show that it does not
   grow with them.
2. The accountant's payment queue page rendered with 1,000 and with 100,000
   installments in the table; the unpaid ones the queue shows are the same 300 in
   both, the rest are paid history. It prints both medians and their ratio.

The database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/fulfilment_bench) is dropped and created anew.
"""

import argparse
import datetime
import statistics
import time
from decimal import Decimal

from benchdb import recreate_database

TODAY = datetime.date(2026, 4, 15)


def add_installments(orders, count: int, kind: str, start: int = 0) -> None:
    """``count`` installments of one kind: "due" (open, reminder date today), "open"
    (open, due within the next two months) or "paid" (history)."""
    from payments.models import Installment

    batch = []
    for n in range(start, start + count):
        amount = Decimal(1000 + n % 5000)
        if kind == "due":
            due_date, reminder = TODAY + datetime.timedelta(days=3), TODAY
        elif kind == "open":
            due_date = TODAY + datetime.timedelta(days=n % 70 - 10)
            reminder = due_date - datetime.timedelta(days=5)
        else:
            due_date = TODAY - datetime.timedelta(days=30 + n % 700)
            reminder = due_date - datetime.timedelta(days=5)
        batch.append(
            Installment(
                supplier_order=orders[n % len(orders)],
                position=1,
                share=Decimal(100),
                amount=amount,
                paid_amount=amount if kind == "paid" else Decimal(0),
                currency="RUB",
                base_event="delivery",
                base_date=due_date - datetime.timedelta(days=30),
                provisional=False,
                due_date=due_date,
                # Open ones not yet due for a reminder are reminded later than today.
                reminder_date=reminder
                if kind != "open"
                else max(reminder, TODAY + datetime.timedelta(days=1)),
                state="paid" if kind == "paid" else "open",
            )
        )
        if len(batch) == 5000:
            Installment.objects.bulk_create(batch)
            batch = []
    Installment.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--installments", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fulfilment.handover.date_rules import payment_reminders_create
    from fulfilment.handover.models import PaymentReminder, Task
    from orders.models import SupplierOrder
    from payments.models import Installment, Payment

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("demo_data", verbosity=0)
    template = SupplierOrder.objects.first()
    SupplierOrder.objects.bulk_create(
        SupplierOrder(
            deal=template.deal,
            number=f"{template.deal.realization_number}/SO-{100 + n}",
            supplier=template.supplier,
            amount=Decimal(100000),
            created_by=template.created_by,
        )
        for n in range(200)
    )
    orders = list(SupplierOrder.objects.order_by("pk"))

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def run_job() -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            made = payment_reminders_create(today=TODAY)
            elapsed = time.perf_counter() - began
        return elapsed, len(queries), made

    def reset() -> None:
        Task.objects.filter(payment_reminder__isnull=False).delete()
        PaymentReminder.objects.all().delete()
        Payment.objects.all().delete()
        Installment.objects.all().delete()

    def fill(total: int) -> None:
        """``args.due`` rows due for a reminder today; of the rest, a fifth still open and
        reminded later (what the job must pass over), the others paid history."""
        add_installments(orders, args.due, "due")
        later = (total - args.due) // 5
        add_installments(orders, later, "open", start=args.due)
        add_installments(orders, total - args.due - later, "paid", start=args.due + later)

    # The job with a tenth of the non-due rows, then with all of them.
    reset()
    fill(args.installments // 10)
    analyze()
    small_time, small_queries, small_made = run_job()
    reset()
    fill(args.installments)
    analyze()
    job_time, job_queries, made = run_job()
    again_time, again_queries, again_made = run_job()

    print(f"reminder job, {args.due} due installments")
    print(f"{'installments':>12}  {'made':>5}  {'seconds':>7}  {'queries':>7}")
    print(f"{args.installments // 10:>12}  {small_made:>5}  {small_time:>7.2f}  {small_queries:>7}")
    print(f"{args.installments:>12}  {made:>5}  {job_time:>7.2f}  {job_queries:>7}")
    print(
        f"{args.installments:>12}  {again_made:>5}  {again_time:>7.2f}  {again_queries:>7}   (run again: nothing to do)"
    )

    # The queue page: 1,000 installments, then 100,000; the open ones are the same.
    client = Client()
    client.force_login(get_user_model().objects.get(username="accountant"))

    def render_queue() -> tuple[float, int]:
        client.get("/payments/")
        times = []
        for _ in range(args.renders):
            began = time.perf_counter()
            response = client.get("/payments/")
            times.append(time.perf_counter() - began)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/payments/")
        return statistics.median(times), len(queries)

    open_rows = 300
    reset()
    add_installments(orders, open_rows, "open")
    add_installments(orders, 1_000 - open_rows, "paid", start=open_rows)
    analyze()
    small_total = Installment.objects.count()
    small_median, small_q = render_queue()
    add_installments(orders, args.installments - small_total, "paid", start=small_total)
    analyze()
    large_total = Installment.objects.count()
    large_median, large_q = render_queue()
    print()
    print(f"payment queue page, {open_rows} unpaid installments shown, {args.renders} renders each")
    print(f"{'installments':>12}  {'median ms':>9}  {'queries':>7}")
    print(f"{small_total:>12}  {small_median * 1000:>9.1f}  {small_q:>7}")
    print(f"{large_total:>12}  {large_median * 1000:>9.1f}  {large_q:>7}")
    print(f"ratio of medians: {large_median / small_median:.2f}")


if __name__ == "__main__":
    main()
