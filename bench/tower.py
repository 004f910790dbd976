"""The operations director's control tower with 100, 1,000 and 5,000 deals in realization,
on PostgreSQL.

    .venv/bin/python bench/tower.py [--deals 100,1000,5000] [--renders 10]

Each deal has three tasks (one of them late), two supplier orders (one delivered, one
planned, some late) and two installments (one paid, one open, some overdue), so every
column and every status has work to do. For each size it prints the median time of the
tower's first page (100 rows and the summary over all deals), of the CSV export of every
deal, and of the API's first page of deals in realization, with each one's query count.

The database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/fulfilment_bench) is dropped and created anew.
"""

import argparse
import datetime
import statistics
import time
from decimal import Decimal

from benchdb import recreate_database

# Wednesday 18 March 2026, a working day in the middle of a working week.
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
TODAY = NOW.date()


def add_deals(start: int, count: int) -> None:
    """Deals ``start`` … ``start + count - 1`` in realization, with their tasks, supplier
    orders and installments, written in bulk."""
    from django.contrib.auth import get_user_model

    from fulfilment.handover.models import Department, Task
    from orders.models import Counterparty, Deal, SupplierOrder
    from payments.models import Installment

    users = get_user_model().objects
    managers = list(users.filter(username__in=["manager", "manager2"]))
    clerk = users.get(username="finance")
    customers = list(Counterparty.objects.filter(kind__in=["customer", "both"]))
    supplier = Counterparty.objects.filter(kind__in=["supplier", "both"]).first()
    departments = list(Department.objects.order_by("pk"))
    day = datetime.timedelta(days=1)

    deals = Deal.objects.bulk_create(
        Deal(
            title=f"Поставка оборудования №{n}",
            customer=customers[n % len(customers)],
            manager=managers[n % len(managers)],
            amount=Decimal(1_000_000 + n),
            currency="RUB",
            stage=Deal.Stage.REALIZATION,
            realization_number=f"R-2025-{n + 1:05d}",
            realization_started_at=NOW - (n % 90 + 1) * day,
        )
        for n in range(start, start + count)
    )
    Task.objects.bulk_create(
        Task(
            deal=deal,
            title=f"Задача {k} по {deal.realization_number}",
            department=departments[(n + k) % len(departments)],
            assignee=clerk if k else None,
            # One late by 0–6 days, one due in 0–6 days, one a month ahead.
            deadline=NOW + (n % 7 - 6 if k == 0 else n % 7 if k == 1 else 30) * day,
            record=deal,
        )
        for n, deal in enumerate(deals)
        for k in range(3)
    )
    orders = SupplierOrder.objects.bulk_create(
        SupplierOrder(
            deal=deal,
            number=f"{deal.realization_number}/SO-{k + 1}",
            supplier=supplier,
            amount=Decimal(300_000),
            stage="delivered" if k == 0 else "ordered",
            order_date=TODAY - 40 * day,
            actual_delivery_date=TODAY - 10 * day if k == 0 else None,
            planned_delivery_date=TODAY + (n % 11 - 3) * day,
            created_by=clerk,
        )
        for n, deal in enumerate(deals)
        for k in range(2)
    )
    Installment.objects.bulk_create(
        Installment(
            supplier_order=order,
            position=1,
            share=Decimal(100),
            amount=Decimal(300_000),
            paid_amount=Decimal(300_000) if n % 2 == 0 else Decimal(0),
            currency="RUB" if n % 3 else "CNY",
            base_event="delivery",
            base_date=TODAY - 20 * day,
            due_date=TODAY + (n % 13 - 4) * day,
            reminder_date=TODAY + (n % 13 - 9) * day,
            state="paid" if n % 2 == 0 else "open",
        )
        for n, order in enumerate(orders)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", default="100,1000,5000")
    parser.add_argument("--renders", type=int, default=10)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.deals.split(","))

    recreate_database()
    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orders.models import Deal

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("demo_data", verbosity=0)
    # The demo's own deals stay out of the figures.
    Deal.objects.filter(stage=Deal.Stage.REALIZATION).update(stage=Deal.Stage.COMPLETED)

    director = get_user_model().objects.get(username="director")
    client = Client()
    client.force_login(director)

    def measure(url: str) -> tuple[float, int, int]:
        client.get(url)
        times = []
        for _ in range(args.renders):
            began = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                body = b"".join(response.streaming_content)
            else:
                body = response.content
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return statistics.median(times) * 1000, len(queries), len(body)

    rows = []
    made = 0
    with time_machine.travel(NOW, tick=False):
        for size in sizes:
            add_deals(made, size - made)
            made = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            page = measure("/tower/")
            export = measure("/tower/export/")
            api = measure("/api/deals/?stage=realization")
            rows.append((size, page, export, api))

    print(f"control tower, median of {args.renders} renders, director")
    print(
        f"{'deals':>6}  {'page ms':>8} {'q':>3}  {'CSV ms':>8} {'q':>3} {'CSV KB':>7}"
        f"  {'API ms':>7} {'q':>3}"
    )
    for size, page, export, api in rows:
        print(
            f"{size:>6}  {page[0]:>8.1f} {page[1]:>3}  {export[0]:>8.1f} {export[1]:>3}"
            f" {export[2] / 1024:>7.0f}  {api[0]:>7.1f} {api[1]:>3}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"page ratio {last[0]}/{first[0]} deals: {last[1][0] / first[1][0]:.2f}; "
        f"CSV per 1,000 deals at {last[0]}: {last[2][0] / last[0] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
