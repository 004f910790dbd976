"""The department queue with 1,000 and with 100,000 tasks in the database, on PostgreSQL.

    .venv/bin/python bench/dashboards.py [--small 1000] [--large 100000] [--renders 30]

The first 1,000 tasks are spread over the six departments and over a year of deadlines,
a third of them open (the work in hand: about 110 open tasks in finance). The next 99,000
are done or cancelled: the history a working system accumulates while the work in hand
stays the same size. So both renders show the same rows, and the ratio measures what
the history costs. The finance clerk's queue page is rendered through the whole Django
stack (test client, session, middleware, templates); the script prints the median and
the 90th percentile of the renders, the queries per render, and the ratio of medians.

The database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/fulfilment_bench) is dropped and created anew.
"""

import argparse
import datetime
import statistics
import time

from benchdb import recreate_database


def add_tasks(count: int, start: int, departments, deals, statuses: list[str]) -> None:
    from django.utils import timezone

    from fulfilment.handover.models import Task

    now = timezone.now()
    batch = []
    for i in range(start, start + count):
        # History is written directly, in bulk, for speed; the product goes through services.
        task = Task(
            title=f"Задача {i} по сделке",
            department=departments[i % len(departments)],
            deal=deals[i % len(deals)],
            deadline=now + datetime.timedelta(hours=(i * 7) % (24 * 365) - 24 * 180),
            status=statuses[i % len(statuses)],
        )
        batch.append(task)
        if len(batch) == 5000:
            Task.objects.bulk_create(batch)
            batch = []
    Task.objects.bulk_create(batch)


def measure(client, renders: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/tasks/queue/")  # warm caches and templates
    times = []
    for _ in range(renders):
        began = time.perf_counter()
        response = client.get("/tasks/queue/")
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/tasks/queue/")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("demo_data", verbosity=0)

    from django.contrib.auth import get_user_model

    from fulfilment.handover.models import Department
    from orders.models import Deal

    departments = list(Department.objects.order_by("pk"))
    deals = list(Deal.objects.order_by("pk"))
    client = Client()
    client.force_login(get_user_model().objects.get(username="finance"))

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    add_tasks(
        args.small,
        0,
        departments,
        deals,
        ["open", "in_progress", "done"] * 3 + ["cancelled"] * 3 + ["done"] * 6,
    )
    analyze()
    small = measure(client, args.renders)
    add_tasks(args.large - args.small, args.small, departments, deals, ["done"] * 9 + ["cancelled"])
    analyze()
    large = measure(client, args.renders)

    print(f"department queue of the finance clerk, {args.renders} renders each")
    print(f"{'tasks':>8}  {'median ms':>9}  {'p90 ms':>7}  {'queries':>7}")
    for count, (median, p90, queries) in ((args.small, small), (args.large, large)):
        print(f"{count:>8}  {median * 1000:>9.1f}  {p90 * 1000:>7.1f}  {queries:>7}")
    print(f"ratio of medians: {large[0] / small[0]:.2f}")


if __name__ == "__main__":
    main()
