"""Benchmark: how many signed call webhooks one app server process accepts per second.

Starts uvicorn (one process, ``config.asgi``) on a free port — or targets ``--url`` — then
sends ``--requests`` signed generic call webhooks (``/hooks/calls/bench/``, each a new call;
one in ten missed, so it also opens a "Missed call" lead; the caller is a known client half of
the time) from ``--concurrency`` threads, each on its own keep-alive connection; and, for
comparison, the same number of GETs to a bare Django view on the same server
(``/hooks/ping/``, routed only with ``OFICINA_BENCH_PING=1``). Prints requests per second and
p50 / p99 latency for both.

Usage (SQLite in a throwaway folder unless OFICINA_VAR_DIR or DATABASE_URL is set):
    .venv/bin/python scripts/bench_call_webhooks.py --requests 1000 --concurrency 16
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oficina_bench \\
        .venv/bin/python scripts/bench_call_webhooks.py
A server you started yourself (with the same OFICINA_CALLS_WEBHOOK_SECRET and
OFICINA_BENCH_PING=1): ``--url http://127.0.0.1:8000``.
"""

import argparse
import atexit
import hashlib
import hmac
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchlib  # noqa: E402  (next to this script)
from benchlib import free_port  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if not os.environ.get("DATABASE_URL") and not os.environ.get("OFICINA_VAR_DIR"):
    os.environ["OFICINA_VAR_DIR"] = tempfile.mkdtemp(prefix="oficina-bench-")
os.environ.setdefault("OFICINA_CALLS_WEBHOOK_SECRET", "bench-secret")
os.environ["OFICINA_BENCH_PING"] = "1"
SECRET = os.environ["OFICINA_CALLS_WEBHOOK_SECRET"]
CLIENTS = 200


def prepare() -> list[str]:
    """Migrate, forget earlier runs' calls, and make sure CLIENTS clients with phones exist;
    their numbers."""
    import django

    django.setup()
    from django.core.management import call_command

    from calls.models import Call
    from clients.models import Client, ClientPhone
    from leads.models import Lead

    call_command("migrate", "--noinput", verbosity=0)
    bench_calls = Call.objects.filter(provider="bench")
    leads = list(bench_calls.exclude(missed_lead=None).values_list("missed_lead", flat=True))
    bench_calls.delete()
    Lead.objects.filter(pk__in=leads).delete()
    numbers = [f"+55119{70000000 + i:08d}" for i in range(CLIENTS)]
    have = set(ClientPhone.objects.filter(number__in=numbers).values_list("number", flat=True))
    for number in numbers:
        if number not in have:
            client = Client.objects.create(first_name="Bench", last_name=number[-4:])
            ClientPhone.objects.create(client=client, number=number)
    from django.db import connections

    connections.close_all()
    return numbers


def start_server(port: int) -> subprocess.Popen:
    return benchlib.start_server(port, ready_path="/hooks/ping/")


def event(i: int, numbers: list[str], start: datetime) -> bytes:
    caller = numbers[i % len(numbers)] if i % 2 else f"+55219{80000000 + i:08d}"
    return json.dumps(
        {
            "id": f"bench-{start:%H%M%S}-{i:06d}",
            "direction": "incoming" if i % 3 else "outgoing",
            "status": "missed" if i % 10 == 0 else "answered",
            "from": caller if i % 3 else "+551133334444",
            "to": "+551133334444" if i % 3 else caller,
            "started_at": (start - timedelta(seconds=i)).isoformat(),
            "duration": i % 600,
        }
    ).encode()


def run(url: str, count: int, concurrency: int, make_request) -> dict:
    """Send ``count`` requests from ``concurrency`` threads; throughput and latencies."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, headers = make_request(i)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            mine.append(time.perf_counter() - t0)
            if response.status not in (200, 201):
                errors.append(f"{response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "ok": len(latencies) - len([e for e in errors if e.isdigit()]),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "per_second": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p90": latencies[min(len(latencies) - 1, int(len(latencies) * 0.90))] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "max": latencies[-1] * 1000,
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--url", help="a running server instead of starting one")
    parser.add_argument(
        "--persistent-connections",
        action="store_true",
        help="keep the settings' CONN_MAX_AGE (60 s for DATABASE_URL); by default the server "
        "runs with CONN_MAX_AGE = 0, see docs/benchmarks.md for why",
    )
    args = parser.parse_args()
    if not args.persistent_connections:
        # Under ASGI each request runs in a new context, so a persistent connection is never
        # reused and stays open until garbage-collected: PostgreSQL runs out of connection
        # slots under load (Django ticket #33497). Run the server with CONN_MAX_AGE = 0.
        folder = Path(tempfile.mkdtemp(prefix="oficina-bench-settings-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        (folder / "bench_settings.py").write_text(
            f"from {os.environ['DJANGO_SETTINGS_MODULE']} import *  # noqa: F403\n"
            "DATABASES['default']['CONN_MAX_AGE'] = 0  # noqa: F405\n"
        )
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")]
        )
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        sys.path.insert(0, str(folder))

    numbers = prepare()
    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_server(port)
        url = f"http://127.0.0.1:{port}"
    start = datetime.now(UTC)

    def webhook(i):
        body = event(i, numbers, start)
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Signature": signature}
        return "POST", "/hooks/calls/bench/", body, headers

    def ping(i):
        return "GET", "/hooks/ping/", None, {}

    try:
        run(url, 50, 4, ping)  # warm up: imports, connections, templates
        baseline = run(url, args.requests, args.concurrency, ping)
        webhooks = run(url, args.requests, args.concurrency, webhook)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)

    from calls.models import Call

    stored = Call.objects.filter(provider="bench").count()
    leads = Call.objects.filter(provider="bench").exclude(missed_lead=None).count()
    from django.db import connection

    age = connection.settings_dict["CONN_MAX_AGE"]
    print(
        f"database: {connection.vendor} (CONN_MAX_AGE {age}); {args.requests} requests, "
        f"concurrency {args.concurrency}"
    )
    for name, result in (("bare view /hooks/ping/", baseline), ("signed call webhook", webhooks)):
        print(
            f"{name:24} {result['per_second']:8.1f} req/s   p50 {result['p50']:7.1f} ms   "
            f"p90 {result['p90']:7.1f} ms   p99 {result['p99']:7.1f} ms   "
            f"max {result['max']:7.1f} ms   errors {result['errors']} {result['first_error']}"
        )
    print(f"calls stored: {stored}, missed call leads: {leads}")


if __name__ == "__main__":
    main()
