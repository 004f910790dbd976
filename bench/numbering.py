"""Realization numbers under concurrency, next to a raw counter, on PostgreSQL.

    .venv/bin/python bench/numbering.py [--numbers 4000] [--workers 1,2,4,8]

Each worker is a separate process (as gunicorn workers are) that issues its share of
the numbers, one transaction per number:

- service: ``numbering.services.number_issue`` through the ORM: the counter row locked
  with SELECT ... FOR UPDATE, the counter updated, the number written to the ledger;
- sql txn: the same three statements written by hand with psycopg, no ORM;
- raw: a single-row ``UPDATE ... RETURNING`` in autocommit, the least any database
  counter can do (no ledger, no lock held across a round trip).

All three run against the same server in the same run. Afterwards the script checks
that the service issued every number exactly once, with no gap.

The database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/fulfilment_bench) is dropped and created anew.
"""

import argparse
import multiprocessing
import os
import time

from benchdb import DATABASE_URL, recreate_database

YEAR = 2026


def setup_schema() -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw_counter (id int PRIMARY KEY, value bigint NOT NULL)")
        cursor.execute("INSERT INTO bench_raw_counter VALUES (1, 0)")
    connection.close()


def reset_counters() -> None:
    from django.db import connection

    from numbering.models import IssuedNumber, NumberCounter, NumberSeries

    IssuedNumber.objects.all().delete()
    NumberCounter.objects.all().delete()
    NumberCounter.objects.create(series=NumberSeries.objects.get(code="realization"), year=SQL_YEAR)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_raw_counter SET value = 0")
    connection.close()


def _service_worker(count: int, start, done) -> None:
    import django

    django.setup()
    from django.db import connection

    from numbering.services import REALIZATION, number_issue

    connection.ensure_connection()
    start.wait()
    for _ in range(count):
        number_issue(series_code=REALIZATION, year=YEAR)
    connection.close()
    done.put(os.getpid())


def _raw_worker(count: int, start, done) -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        start.wait()
        for _ in range(count):
            conn.execute(
                "UPDATE bench_raw_counter SET value = value + 1 WHERE id = 1 RETURNING value"
            ).fetchone()
    done.put(os.getpid())


SQL_YEAR = YEAR + 1  # the hand-written transactions use their own counter row


def _sql_txn_worker(count: int, start, done) -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        series = conn.execute("SELECT id FROM numbering_numberseries WHERE code = 'realization'")
        series_id = series.fetchone()[0]
        conn.commit()
        start.wait()
        for _ in range(count):
            last = conn.execute(
                "SELECT last_value FROM numbering_numbercounter"
                " WHERE series_id = %s AND year = %s FOR UPDATE",
                (series_id, SQL_YEAR),
            ).fetchone()[0]
            conn.execute(
                "UPDATE numbering_numbercounter SET last_value = %s, updated_at = now()"
                " WHERE series_id = %s AND year = %s",
                (last + 1, series_id, SQL_YEAR),
            )
            conn.execute(
                "INSERT INTO numbering_issuednumber (series_id, year, sequence, value, issued_at)"
                " VALUES (%s, %s, %s, %s, now())",
                (series_id, SQL_YEAR, last + 1, f"T-{SQL_YEAR}-{last + 1:05d}"),
            )
            conn.commit()
    done.put(os.getpid())


def run(target, total: int, workers: int) -> float:
    """Numbers per second for ``total`` numbers shared by ``workers`` processes."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(workers + 1)
    done = context.Queue()
    share = [total // workers + (1 if i < total % workers else 0) for i in range(workers)]
    processes = [context.Process(target=target, args=(n, start, done)) for n in share]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    for _ in processes:
        done.get()
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a worker failed with exit code {process.exitcode}")
    return total / elapsed


def verify(total: int) -> None:
    from numbering.models import IssuedNumber, NumberCounter

    issued = IssuedNumber.objects.filter(year=YEAR).order_by("sequence")
    sequences = list(issued.values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1)), "gap or duplicate in the issued numbers"
    assert NumberCounter.objects.get(year=YEAR).last_value == total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=4000)
    parser.add_argument("--workers", default="1,2,4,8")
    args = parser.parse_args()

    recreate_database()
    setup_schema()
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    print(f"PostgreSQL {version}, {os.cpu_count()} CPUs, {args.numbers} numbers per run")
    print(f"{'workers':>7}  {'service/s':>9}  {'sql txn/s':>9}  {'raw/s':>7}  {'service/raw':>11}")
    for workers in (int(w) for w in args.workers.split(",")):
        reset_counters()
        raw = run(_raw_worker, args.numbers, workers)
        sql_txn = run(_sql_txn_worker, args.numbers, workers)
        service = run(_service_worker, args.numbers, workers)
        verify(args.numbers)
        print(
            f"{workers:>7}  {service:>9.0f}  {sql_txn:>9.0f}  {raw:>7.0f}  {service / raw:>11.2f}"
        )
        connection.close()


if __name__ == "__main__":
    main()
