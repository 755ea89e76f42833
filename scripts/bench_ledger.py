"""Benchmark: one client with 500,000 ledger entries.

Prints, each beside its floor:
- the Balance tab's first page (time, queries) vs the raw SQL for the same page;
- the balance read (stored value) vs a SUM over the entries;
- the .xlsx export (time, peak Python memory) vs a bare XlsxWriter write of the same rows.

Usage (SQLite in a throwaway folder unless OFICINA_VAR_DIR or DATABASE_URL is set):
    .venv/bin/python scripts/bench_ledger.py --entries 500000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oficina_bench \
        .venv/bin/python scripts/bench_ledger.py --entries 500000
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if not os.environ.get("DATABASE_URL") and not os.environ.get("OFICINA_VAR_DIR"):
    os.environ["OFICINA_VAR_DIR"] = tempfile.mkdtemp(prefix="oficina-bench-")


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    import xlsxwriter
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Employee, Role
    from clients.models import Client
    from ledger.export import write_client_ledger
    from ledger.models import Cashbox, LedgerEntry, Payment

    call_command("migrate", "--noinput", verbosity=0)
    employee = Employee.objects.filter(login="bench").first() or Employee.objects.create_user(
        "bench",
        "bench@example.com",
        "bench",
        full_name="Bench",
        role=Role.objects.get(system_code="manager"),
    )
    client = Client.objects.filter(email="big@example.com").first()
    if client is None:
        client = Client.objects.create(
            first_name="Big", last_name="Ledger", email="big@example.com"
        )
    cashbox = Cashbox.objects.get_or_create(title="Bench", kind=Cashbox.Kind.CASHLESS)[0]
    have = LedgerEntry.objects.filter(client=client).count()
    started = time.perf_counter()
    balance = client.balance
    batch = 5000
    for start in range(have, args.entries, batch):
        payments, entries = [], []
        for i in range(start, min(start + batch, args.entries)):
            amount = Decimal(((i * 7919) % 50000) + 1) / 100
            if i % 5 == 0:
                payments.append(
                    Payment(
                        cashbox=cashbox,
                        direction="income",
                        amount=amount,
                        category="advance",
                        client=client,
                        employee=employee,
                        note=f"advance {i}",
                        cashbox_balance_after=Decimal("0"),
                    )
                )
                entries.append(("advance", -amount, f"advance {i}"))
            else:
                entries.append(("correction", amount if i % 2 else -amount, f"=HYPERLINK({i})"))
        created = iter(Payment.objects.bulk_create(payments))
        rows = []
        for kind, amount, comment in entries:
            balance += amount
            rows.append(
                LedgerEntry(
                    client=client,
                    kind=kind,
                    amount=amount,
                    balance_after=balance,
                    comment=comment,
                    author=employee,
                    payment=next(created) if kind == "advance" else None,
                )
            )
        LedgerEntry.objects.bulk_create(rows)
        Client.objects.filter(pk=client.pk).update(balance=balance)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client.refresh_from_db()
    total = LedgerEntry.objects.filter(client=client).count()
    print(f"{total} entries ready in {time.perf_counter() - started:.0f} s ({connection.vendor})")

    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(employee)
    rows = []

    def page(url, headers=None):
        return lambda: http.get(url, headers=headers or {})

    for label, url, headers in [
        ("Balance tab, htmx partial", f"/clients/{client.pk}/balance/", {"HX-Request": "true"}),
        ("Balance tab, full page", f"/clients/{client.pk}/balance/", None),
        (
            "Balance tab, page 1000",
            f"/clients/{client.pk}/balance/?page=1000",
            {"HX-Request": "true"},
        ),
        ("API ledger, first page", f"/api/v1/clients/{client.pk}/ledger/", None),
    ]:
        with CaptureQueriesContext(connection) as queries:
            page(url, headers)()
        count = len(queries)  # read now: the next request clears the log
        ms, response = timed(page(url, headers), args.runs)
        assert response.status_code == 200, (url, response.status_code)
        rows.append((label, f"{ms:.1f} ms", f"{count} queries"))

    table = LedgerEntry._meta.db_table

    def raw_page():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE client_id = %s", [client.pk])  # noqa: S608
            cursor.fetchone()
            cursor.execute(
                f"SELECT * FROM {table} WHERE client_id = %s ORDER BY id DESC LIMIT 25",  # noqa: S608
                [client.pk],
            )
            return cursor.fetchall()

    ms, _ = timed(raw_page, args.runs)
    rows.append(("  floor: raw SQL count + page", f"{ms:.1f} ms", "2 queries"))

    ms, _ = timed(lambda: Client.objects.values_list("balance", flat=True).get(pk=client.pk), 20)
    rows.append(("Balance read (stored)", f"{ms:.2f} ms", "1 query"))
    ms, _ = timed(lambda: http.get(f"/api/v1/clients/{client.pk}/balance/"), args.runs)
    rows.append(("Balance read, API", f"{ms:.1f} ms", ""))

    def raw_sum():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT SUM(amount) FROM {table} WHERE client_id = %s", [client.pk])  # noqa: S608
            return cursor.fetchone()

    ms, _ = timed(raw_sum, 3)
    rows.append(("  for comparison: SUM over entries", f"{ms:.1f} ms", "1 query"))

    def export():
        with tempfile.TemporaryFile() as out:
            write_client_ledger(client, out)
            return out.tell()

    def bare_write():
        with tempfile.TemporaryFile() as out:
            book = xlsxwriter.Workbook(out, {"constant_memory": True})
            sheet = book.add_worksheet()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT kind, amount, balance_after, comment FROM {table} "  # noqa: S608
                    "WHERE client_id = %s ORDER BY id DESC",
                    [client.pk],
                )
                r = 0
                while chunk := cursor.fetchmany(2000):
                    for kind, amount, after, comment in chunk:
                        sheet.write_string(r, 0, kind)
                        sheet.write_number(r, 1, float(amount))
                        sheet.write_number(r, 2, float(after))
                        sheet.write_string(r, 3, comment)
                        r += 1
            book.close()
            return out.tell()

    for label, fn in [("Export .xlsx", export), ("  floor: bare XlsxWriter write", bare_write)]:
        t0 = time.perf_counter()
        size = fn()
        seconds = time.perf_counter() - t0
        tracemalloc.start()  # a second run for memory: tracing slows Python down several times
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            (label, f"{seconds:.1f} s", f"peak {peak / 2**20:.1f} MiB, {size / 2**20:.1f} MiB file")
        )

    for label, a, b in rows:
        print(f"{label:<36} {a:>12}  {b}")


if __name__ == "__main__":
    main()
