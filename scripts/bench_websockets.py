"""Benchmark: conversation events fanned out to many open WebSockets on one server process.

Starts uvicorn (one process, ``config.asgi``) on a free port, opens ``--clients`` WebSockets
to ``/ws/conversations/`` (``--employees`` managers, each signed in with one session shared
by their tabs), then posts ``--messages`` messages one after another through the API
(``POST /api/v1/conversations/{id}/messages/`` with an Admin's token) and records, for every
message and every client, the time from just before the POST to the event's arrival at that
client. After that it makes ``--access-changes`` access changes (an Admin saves a role on
the roles page, which makes every socket re-read its access before its next event) each
followed by one message, and times those deliveries separately. Prints latency p50 / p90 /
p99 / max, the deliveries missed, and the server's resident memory (RSS) before and after
the clients connect, and its peak.

With ``--redis URL`` the server uses the Redis channel layer (as with several processes);
without it, the in-memory layer. SQLite in a throwaway folder unless DATABASE_URL is set.

    .venv/bin/python scripts/bench_websockets.py --clients 500
    .venv/bin/python scripts/bench_websockets.py --clients 500 --redis redis://127.0.0.1:6379/15
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oficina_bench \\
        .venv/bin/python scripts/bench_websockets.py

The load generator runs in this process (one asyncio loop for every client) on the same
machine, so the latencies include the time it takes to read 500 frames per message.
"""

import argparse
import asyncio
import http.client
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchlib  # noqa: E402  (next to this script)
from benchlib import free_port, machine, rss_kib  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
if not os.environ.get("DATABASE_URL") and not os.environ.get("OFICINA_VAR_DIR"):
    os.environ["OFICINA_VAR_DIR"] = tempfile.mkdtemp(prefix="oficina-bench-ws-")

PREFIX = "bench-ws"
PASSWORD = "bench-ws-password-1"


def signed_in_session(employee) -> str:
    """A session that signs ``employee`` in, as the login page would make it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(employee.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.EmployeeBackend"
    session[HASH_SESSION_KEY] = employee.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(employees: int) -> dict:
    """Migrate; the bench's employees (managers), one session each, an Admin's token, and a
    conversation on a channel every employee may see."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from rest_framework.authtoken.models import Token

    from accounts.models import Employee, Role
    from conversations.models import Channel, Conversation

    call_command("migrate", "--noinput", verbosity=0)
    manager = Role.objects.get(system_code="manager")

    def employee(login: str, role) -> Employee:
        found = Employee.objects.filter(login=login).first()
        if found is None:
            found = Employee.objects.create_user(
                login, f"{login}@example.com", PASSWORD, full_name=login, role=role
            )
        return found

    boss = employee(f"{PREFIX}-boss", Role.objects.get(system_code="admin"))
    readers = [employee(f"{PREFIX}-{i:04d}", manager) for i in range(employees)]
    # A role an Admin edits during the run: saving any role makes every socket re-read.
    role, _ = Role.objects.get_or_create(
        name=f"{PREFIX} role", defaults={"permissions": ["clients.view"]}
    )
    channel = Channel.objects.filter(name=f"{PREFIX} channel").first()
    if channel is None:
        channel = Channel.objects.create(
            kind=Channel.Kind.WEBCHAT, name=f"{PREFIX} channel", owner=boss
        )
    conversation, _ = Conversation.objects.get_or_create(
        channel=channel, external_id=f"{PREFIX}-visitor", defaults={"contact_name": "Visitor"}
    )
    result = {
        "token": Token.objects.get_or_create(user=boss)[0].key,
        "conversation": conversation.pk,
        "sessions": [signed_in_session(reader) for reader in readers],
        "boss_session": signed_in_session(boss),
        "role": role.pk,
        "database": connections["default"].vendor,
    }
    connections.close_all()
    return result


def start_server(port: int) -> subprocess.Popen:
    # With the Redis layer, channels_redis can leave a cancelled receive waiting after its
    # sockets closed, and uvicorn would wait for it forever.
    return benchlib.start_server(
        port, extra_args=("--backlog", "4096", "--timeout-graceful-shutdown", "5")
    )


def post_message(port: int, token: str, conversation: int, text: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        f"/api/v1/conversations/{conversation}/messages/",
        body=json.dumps({"text": text}),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 201:
        raise SystemExit(f"posting failed: {response.status} {body[:300]!r}")
    return json.loads(body)["id"]


def edit_role(port: int, session_key: str, role: int, step: int) -> None:
    """An Admin saves a role on the roles page: an access change every socket hears."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")  # signed out: the form, and a CSRF cookie
    response = conn.getresponse()
    response.read()
    token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    permissions = ["clients.view"] + (["clients.create"] if step % 2 else [])
    body = "&".join(
        [f"csrfmiddlewaretoken={token}", f"name={PREFIX}+role"]
        + [f"permissions={code}" for code in permissions]
    )
    conn.request(
        "POST",
        f"/settings/roles/{role}/",
        body=body,
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise SystemExit(f"saving the role failed: {response.status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def bench(args, port: int, data: dict, server_pid: int) -> dict:
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws/conversations/"
    origin = f"http://127.0.0.1:{port}"
    sessions = data["sessions"]
    arrivals: dict[int, list[float]] = {}
    closed: list[str] = []
    sockets = []
    opening = asyncio.Semaphore(50)

    async def open_one(i: int):
        cookie = f"sessionid={sessions[i % len(sessions)]}"
        async with opening:
            return await connect(
                url,
                additional_headers={"Cookie": cookie, "Origin": origin},
                open_timeout=60,
                max_queue=None,
            )

    async def read(ws):
        try:
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("event") == "message":
                    arrivals.setdefault(frame["message"], []).append(now)
        except Exception as exc:
            closed.append(repr(exc))

    memory = {"before": rss_kib(server_pid)["VmRSS"]}
    started = time.perf_counter()
    sockets = await asyncio.gather(*(open_one(i) for i in range(args.clients)))
    connect_seconds = time.perf_counter() - started
    readers = [asyncio.create_task(read(ws)) for ws in sockets]
    await asyncio.sleep(1)
    memory["connected"] = rss_kib(server_pid)["VmRSS"]

    async def deliver(text: str) -> tuple[list[float], float]:
        sent = time.perf_counter()
        message = await asyncio.to_thread(
            post_message, port, data["token"], data["conversation"], text
        )
        posted = time.perf_counter() - sent
        deadline = time.monotonic() + args.timeout
        while len(arrivals.get(message, ())) < args.clients and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return [at - sent for at in arrivals.get(message, ())], posted

    # Warm-up: the first message pays for imports and the first queries.
    await deliver("warm-up")
    latencies: list[float] = []
    posts: list[float] = []
    missed = 0
    for i in range(args.messages):
        got, posted = await deliver(f"Benchmark message {i}")
        latencies.extend(got)
        posts.append(posted)
        missed += args.clients - len(got)
        await asyncio.sleep(args.gap)
    memory["after"] = rss_kib(server_pid)["VmRSS"]

    after_change: list[float] = []
    for step in range(args.access_changes):
        await asyncio.to_thread(edit_role, port, data["boss_session"], data["role"], step)
        got, _ = await deliver("After an access change")
        after_change.extend(got)
        missed += args.clients - len(got)
        await asyncio.sleep(args.gap)

    memory["peak"] = rss_kib(server_pid)["VmHWM"]
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*readers, return_exceptions=True)
    return {
        "latencies": latencies,
        "after_change": after_change,
        "posts": posts,
        "missed": missed,
        "closed_early": len([c for c in closed if "ConnectionClosedOK" not in c]),
        "connect_seconds": connect_seconds,
        "memory": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--access-changes", type=int, default=5)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between messages")
    parser.add_argument("--timeout", type=float, default=15.0, help="per message")
    parser.add_argument("--redis", help="a Redis URL: use the Redis channel layer")
    args = parser.parse_args()
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    else:
        os.environ.pop("REDIS_URL", None)
    # Each client is a file descriptor here and in the server.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.clients + 256)), hard))

    data = prepare(args.employees)
    port = free_port()
    server = start_server(port)
    try:
        result = asyncio.run(bench(args, port, data, server.pid))
    finally:
        stopping = time.monotonic()
        server.terminate()
        try:
            server.wait(timeout=30)
            print(f"server stopped in {time.monotonic() - stopping:.1f} s", file=sys.stderr)
        except subprocess.TimeoutExpired:
            print("the server did not stop within 30 s: killed", file=sys.stderr)
            server.kill()
            server.wait()

    ms = [value * 1000 for value in result["latencies"]]
    changed = [value * 1000 for value in result["after_change"]]
    posts = [value * 1000 for value in result["posts"]]
    memory = result["memory"]
    per_socket = (memory["connected"] - memory["before"]) / args.clients
    print(f"machine: {machine()}")
    print(
        f"layer: {'redis' if args.redis else 'in-memory'}; database: {data['database']}; "
        f"{args.clients} clients of {args.employees} employees; {args.messages} messages"
    )
    print(
        f"connect {args.clients} sockets: {result['connect_seconds']:.1f} s; "
        f"deliveries missed: {result['missed']}; sockets closed early: {result['closed_early']}"
    )
    print(
        f"delivery latency (POST start -> frame at each client), {len(ms)} deliveries: "
        f"p50 {statistics.median(ms):.1f} ms, p90 {percentile(ms, 0.9):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
    )
    print(
        f"  of which the POST itself: p50 {statistics.median(posts):.1f} ms, "
        f"max {max(posts):.1f} ms"
    )
    if changed:
        print(
            f"first message after an access change ({args.access_changes} changes): "
            f"p50 {statistics.median(changed):.1f} ms, p99 {percentile(changed, 0.99):.1f} ms, "
            f"max {max(changed):.1f} ms"
        )
    print(
        f"server RSS: {memory['before'] / 1024:.1f} MiB idle, "
        f"{memory['connected'] / 1024:.1f} MiB with {args.clients} sockets "
        f"(~{per_socket:.0f} KiB each), {memory['after'] / 1024:.1f} MiB after the messages, "
        f"peak {memory['peak'] / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
