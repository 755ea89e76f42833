"""Benchmark: the client list, search and profile with many clients.

Usage (SQLite: a throwaway database under /tmp unless OFICINA_VAR_DIR names one; nothing
touches var/; PostgreSQL: create the database first):
    .venv/bin/python scripts/bench_clients.py --clients 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oficina_bench \
        .venv/bin/python scripts/bench_clients.py --clients 1000000

Clients already in the database are kept and topped up to --clients, so a second run
reuses the first one's data. Prints the median time of each request over several runs and
the number of queries.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if not os.environ.get("DATABASE_URL") and not os.environ.get("OFICINA_VAR_DIR"):
    os.environ["OFICINA_VAR_DIR"] = tempfile.mkdtemp(prefix="oficina-bench-")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Employee, Role
    from clients.models import Client, ClientPhone, Tag
    from core.text import fold

    call_command("migrate", "--noinput", verbosity=0)
    employee = Employee.objects.filter(login="bench").first() or Employee.objects.create_user(
        "bench",
        "bench@example.com",
        "bench",
        full_name="Bench",
        role=Role.objects.get(system_code="manager"),
    )
    first = ["Ana", "João", "Maria", "Pedro", "Lucas", "Júlia", "Carla", "Bruno", "Paula", "Rui"]
    last = ["Silva", "Souza", "Oliveira", "Santos", "Lima", "Costa", "Araújo", "Melo", "Rocha"]
    started = time.perf_counter()
    have = Client.objects.count()
    batch = 5000
    tag = Tag.objects.get_or_create(name="VIP")[0]
    for start in range(have, args.clients, batch):
        rows = []
        for i in range(start, min(start + batch, args.clients)):
            f, la = first[i % 10], f"{last[i % 9]} {last[(i // 9) % 9]}"
            name = f"{f} {la} {i}"
            rows.append(
                Client(
                    kind="person",
                    first_name=f,
                    last_name=f"{la} {i}",
                    display_name=name,
                    search_name=fold(name),
                    email=f"client{i}@example.com",
                )
            )
        created = Client.objects.bulk_create(rows)
        ClientPhone.objects.bulk_create(
            ClientPhone(client=c, number=f"+55119{7000_0000 + c.pk:08d}") for c in created
        )
        Client.tags.through.objects.bulk_create(
            Client.tags.through(client_id=c.pk, tag_id=tag.pk) for c in created[::50]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a large import
    print(
        f"{args.clients} clients ready in {time.perf_counter() - started:.0f} s "
        f"({connection.vendor})"
    )

    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(employee)
    some = Client.objects.order_by("pk")[args.clients // 2]
    phone = some.phones.first().number
    national = f"({phone[3:5]}) {phone[5:10]}-{phone[10:]}"
    cases = [
        ("client list, page 1", "/clients/"),
        ("client list, page 100", "/clients/?page=100"),
        ("search by name", f"/clients/?search={some.first_name}+{some.last_name.split()[0]}"),
        ("search by full name (one hit)", f"/clients/?search={some.display_name}"),
        ("search by phone, national format", f"/clients/?search={national}"),
        ("search by last 8 digits", f"/clients/?search={phone[-8:]}"),
        ("search by email", f"/clients/?search={some.email}"),
        ("filter by tag", "/clients/?tag=VIP"),
        ("profile (General tab)", f"/clients/{some.pk}/"),
        ("API list", "/api/v1/clients/"),
        ("API search by phone", f"/api/v1/clients/?search={phone}"),
    ]
    print(f"{'request':<36} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, url in cases:
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = http.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<36} {statistics.median(times):>10.1f} {max(times):>8.1f} {len(queries):>8}")


if __name__ == "__main__":
    main()
