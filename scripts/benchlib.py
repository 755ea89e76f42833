"""What the benchmark scripts share: a free port, an app server process, its memory, and a
line naming the machine the numbers came from."""

import http.client
import os
import platform
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> dict:
    """The process's resident memory now (``VmRSS``) and at its peak (``VmHWM``), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0])
    return fields


def start_server(
    port: int,
    *,
    ready_path: str = "/login/",
    extra_args: tuple[str, ...] = (),
    env: dict | None = None,
) -> subprocess.Popen:
    """uvicorn serving ``config.asgi`` on ``port``, once ``ready_path`` answers 200."""
    server = subprocess.Popen(  # noqa: S603  (our own uvicorn, fixed arguments)
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            os.environ.get("BENCH_LOG_LEVEL", "warning"),
            "--no-access-log",
            *extra_args,
        ],
        cwd=ROOT,
        env=env if env is not None else os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def stop_server(server: subprocess.Popen, wait: float = 30) -> None:
    server.terminate()
    try:
        server.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def machine() -> str:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout  # noqa: S607
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            "",
        )
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs {model}, Python {platform.python_version()}"
