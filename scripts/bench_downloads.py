"""Benchmark: big file downloads from one app server process under the ASGI server.

Stores one ``--megabytes`` file (a web chat attachment; the same path serves call recordings
and exports), starts uvicorn (one process, ``config.asgi``) and downloads it ``--parallel``
times at once, reading 64 KB at a time, as players and browsers do. Prints, for each run,
the time to the first byte and to the last (p50 / max over the downloads) and how much the
server's resident memory grew at its peak.

It runs twice: as configured (``core.streaming.AsyncStreamingMiddleware`` streams the file in
batches) and with that middleware removed (Django reads the whole file into memory before
its first byte leaves), so the difference it makes is measured, not assumed.

    .venv/bin/python scripts/bench_downloads.py --megabytes 50 --parallel 4

Files (and SQLite, unless DATABASE_URL is set) in a throwaway folder.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchlib  # noqa: E402  (next to this script)

# The development settings: the test settings give each process its own media folder.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
if not os.environ.get("OFICINA_VAR_DIR"):
    os.environ["OFICINA_VAR_DIR"] = tempfile.mkdtemp(prefix="oficina-bench-dl-")

TOKEN = "bench-downloads-token-0000000000"
STREAMING = "core.streaming.AsyncStreamingMiddleware"


def prepare(megabytes: int) -> str:
    """Migrate; a web chat conversation whose visitor sent a ``megabytes`` text file; its
    download path."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    from accounts.models import Employee, Role
    from conversations import services
    from conversations.models import Attachment, Channel, Conversation
    from conversations.services import IncomingFile

    call_command("migrate", "--noinput", verbosity=0)
    channel = Channel.objects.filter(name="bench downloads").first()
    if channel is None:
        owner = Employee.objects.filter(login="bench-downloads").first()
        if owner is None:
            owner = Employee.objects.create_user(
                "bench-downloads",
                "bench-downloads@example.com",
                "bench-downloads-password-1",
                full_name="Bench",
                role=Role.objects.get(system_code="admin"),
            )
        channel = Channel.objects.create(
            kind=Channel.Kind.WEBCHAT, name="bench downloads", owner=owner
        )
    conversation, _ = Conversation.objects.get_or_create(channel=channel, external_id=TOKEN)
    size = megabytes * 1024 * 1024
    attachment = Attachment.objects.filter(message__conversation=conversation, size=size).first()
    if attachment is None:
        line = b"0123456789 bench download line of text, not compressible by the server\n"
        content = (line * (size // len(line) + 1))[:size]
        message = services.message_receive(
            conversation=conversation,
            text="",
            files=[IncomingFile(name="big.txt", content_type="text/plain", content=content)],
        )
        attachment = message.attachments.get()
    path = reverse("conversations:webchat_file", args=[channel.public_key, attachment.pk])
    connections.close_all()
    return path


def settings_without_streaming(folder: Path) -> str:
    """A settings module, in ``folder``, that is the configured one minus the middleware."""
    (folder / "bench_settings_nostream.py").write_text(
        f"from {os.environ['DJANGO_SETTINGS_MODULE']} import *  # noqa: F403\n"
        f"MIDDLEWARE = [m for m in MIDDLEWARE if m != {STREAMING!r}]  # noqa: F405\n"
    )
    return "bench_settings_nostream"


def download(port: int, path: str, result: dict, started: threading.Event) -> None:
    started.wait()
    begin = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"X-Chat-Token": TOKEN})
    response = conn.getresponse()
    first = None
    total = 0
    while chunk := response.read1(65536) if hasattr(response, "read1") else response.read(65536):
        if first is None:
            first = time.perf_counter() - begin
        total += len(chunk)
    conn.close()
    result.update(
        status=response.status, first=first, last=time.perf_counter() - begin, bytes=total
    )


def run(label: str, port: int, path: str, parallel: int, env: dict) -> dict:
    server = benchlib.start_server(port, env=env)
    try:
        before = benchlib.rss_kib(server.pid)["VmRSS"]
        results = [{} for _ in range(parallel)]
        started = threading.Event()
        threads = [
            threading.Thread(target=download, args=(port, path, results[i], started))
            for i in range(parallel)
        ]
        for thread in threads:
            thread.start()
        started.set()
        for thread in threads:
            thread.join()
        peak = benchlib.rss_kib(server.pid)["VmHWM"]
    finally:
        benchlib.stop_server(server)
    bad = [r for r in results if r.get("status") != 200]
    if bad:
        raise SystemExit(f"{label}: {len(bad)} downloads failed: {bad[:3]}")
    return {
        "label": label,
        "first": [r["first"] * 1000 for r in results],
        "last": [r["last"] * 1000 for r in results],
        "bytes": results[0]["bytes"],
        "growth_mib": (peak - before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args()
    path = prepare(args.megabytes)
    with tempfile.TemporaryDirectory(prefix="oficina-bench-dl-settings-") as folder:
        plain = os.environ.copy()
        without = dict(
            plain,
            DJANGO_SETTINGS_MODULE=settings_without_streaming(Path(folder)),
            PYTHONPATH=os.pathsep.join([folder, str(ROOT), plain.get("PYTHONPATH", "")]),
        )
        runs = [
            run(
                "streamed (AsyncStreamingMiddleware)",
                benchlib.free_port(),
                path,
                args.parallel,
                plain,
            ),
            run(
                "Django's fallback (middleware removed)",
                benchlib.free_port(),
                path,
                args.parallel,
                without,
            ),
        ]
    print(f"machine: {benchlib.machine()}")
    print(f"{args.parallel} parallel downloads of a {args.megabytes} MB file, one uvicorn process")
    for result in runs:
        first, last = result["first"], result["last"]
        print(
            f"{result['label']}: first byte p50 {statistics.median(first):.0f} ms, "
            f"max {max(first):.0f} ms; whole file p50 {statistics.median(last):.0f} ms, "
            f"max {max(last):.0f} ms; server memory peak +{result['growth_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
