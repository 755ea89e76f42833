"""Benchmark: one client with 50,000 documents (orders, estimates and sales).

Prints, each beside its floor:
- the Documents tab's first page (htmx partial, full page, a deep page, one type) — time and
  query count — vs the raw SQL that reads the same 25 rows (the UNION and its count);
- an order's dialog (with 10 lines, payments and status history) vs the raw SQL reading the
  same rows.

Usage (SQLite in a throwaway folder unless OFICINA_VAR_DIR or DATABASE_URL is set):
    .venv/bin/python scripts/bench_documents.py --documents 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oficina_bench \
        .venv/bin/python scripts/bench_documents.py --documents 50000
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
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
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Employee, Role
    from clients.models import Client
    from documents import orders as order_services
    from documents.models import (
        Estimate,
        EstimateItem,
        Order,
        OrderItem,
        OrderStatus,
        Sale,
        SaleItem,
        Service,
    )
    from ledger.models import Cashbox

    call_command("migrate", "--noinput", verbosity=0)
    employee = Employee.objects.filter(login="bench").first() or Employee.objects.create_user(
        "bench",
        "bench@example.com",
        "bench",
        full_name="Bench",
        role=Role.objects.get(system_code="manager"),
    )
    client = Client.objects.filter(email="docs@example.com").first()
    if client is None:
        client = Client.objects.create(
            first_name="Many", last_name="Documents", email="docs@example.com"
        )
    service = Service.objects.get_or_create(title="Bench service", price=Decimal("120.00"))[0]
    statuses = list(OrderStatus.objects.filter(active=True))
    have = sum(m.objects.filter(client=client).count() for m in (Order, Estimate, Sale))
    started = time.perf_counter()
    now = timezone.now()
    batch = 2000
    # Rows written in bulk (the services would take hours for 50,000 documents); the numbers
    # and totals are consistent, the ledger is not involved (the tab reads none of it).
    for start in range(have, args.documents, batch):
        orders, estimates, sales = [], [], []
        for i in range(start, min(start + batch, args.documents)):
            created = now - timedelta(minutes=args.documents - i)
            kind = i % 10
            if kind < 6:
                orders.append(
                    Order(
                        number=f"BA-{i:07d}",
                        client=client,
                        status=statuses[i % len(statuses)],
                        manager=employee,
                        total=Decimal("120.00"),
                        created_at=created,
                    )
                )
            elif kind < 8:
                estimates.append(
                    Estimate(
                        number=f"BE-{i:07d}",
                        client=client,
                        manager=employee,
                        total=Decimal("120.00"),
                        created_at=created,
                    )
                )
            else:
                sales.append(
                    Sale(
                        number=f"BS-{i:07d}",
                        client=client,
                        manager=employee,
                        settlement="balance",
                        total=Decimal("120.00"),
                        created_at=created,
                    )
                )
        line = {"kind": "service", "service": service, "title": "Bench", "price": Decimal("120")}
        OrderItem.objects.bulk_create(
            OrderItem(order=o, **line) for o in Order.objects.bulk_create(orders)
        )
        EstimateItem.objects.bulk_create(
            EstimateItem(estimate=e, **line) for e in Estimate.objects.bulk_create(estimates)
        )
        SaleItem.objects.bulk_create(
            SaleItem(sale=s, **line) for s in Sale.objects.bulk_create(sales)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = sum(m.objects.filter(client=client).count() for m in (Order, Estimate, Sale))
    print(f"{total} documents ready in {time.perf_counter() - started:.0f} s ({connection.vendor})")

    # The order the dialog benchmark opens: made through the services, 10 lines, prepaid.
    big = Order.objects.filter(client=client, number__startswith="A-").first()
    if big is None:
        big = order_services.order_create(
            actor=employee,
            client=client,
            items=[{"kind": "service", "service": service} for _ in range(10)],
        )
        till = Cashbox.objects.get_or_create(title="Bench till", kind=Cashbox.Kind.CASHLESS)[0]
        for _ in range(3):
            order_services.order_prepay(
                actor=employee, order=big, cashbox=till, amount=Decimal("10.00")
            )

    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(employee)
    hx = {"HX-Request": "true"}
    tab = f"/clients/{client.pk}/documents/"
    rows = []
    for label, url, headers in [
        ("Documents tab, htmx partial", tab, hx),
        ("Documents tab, full page", tab, None),
        ("Documents tab, only orders", tab + "?type=order", hx),
        ("Documents tab, page 1000", tab + "?page=1000", hx),
        ("Order dialog (10 lines), htmx", f"/orders/{big.pk}/", hx),
        ("Order dialog, full page", f"/orders/{big.pk}/", None),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = http.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.status_code)
        count = len(queries)
        ms, _ = timed(
            lambda url=url, headers=headers: http.get(url, headers=headers or {}), args.runs
        )
        rows.append((label, f"{ms:.1f} ms", f"{count} queries"))

    tables = [m._meta.db_table for m in (Order, Estimate, Sale)]
    select = "SELECT id, number, created_at, total FROM {} WHERE client_id = %s"
    union = " UNION ALL ".join(select.format(t) for t in tables)

    def raw_page():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({union}) AS u", [client.pk] * 3)  # noqa: S608
            cursor.fetchone()
            cursor.execute(
                f"SELECT * FROM ({union}) AS u ORDER BY created_at DESC, id DESC LIMIT 25",  # noqa: S608
                [client.pk] * 3,
            )
            return cursor.fetchall()

    ms, _ = timed(raw_page, args.runs)
    rows.insert(4, ("  floor: raw SQL union count + page", f"{ms:.1f} ms", "2 queries"))

    def raw_dialog():
        with connection.cursor() as cursor:
            for sql in (
                f"SELECT * FROM {tables[0]} WHERE id = %s",  # noqa: S608
                f"SELECT * FROM {OrderItem._meta.db_table} WHERE order_id = %s",  # noqa: S608
                "SELECT * FROM ledger_payment WHERE document_type = 'order' AND document_id = %s",
                "SELECT * FROM documents_orderstatuschange WHERE order_id = %s",
            ):
                cursor.execute(sql, [big.pk])
                cursor.fetchall()

    ms, _ = timed(raw_dialog, args.runs)
    rows.append(("  floor: raw SQL for the dialog's rows", f"{ms:.1f} ms", "4 queries"))

    width = max(len(r[0]) for r in rows)
    for label, ms, queries in rows:
        print(f"{label:<{width}}  {ms:>10}  {queries}")


if __name__ == "__main__":
    main()
