"""Fixtures for browser tests that need the ASGI application: WebSockets included.

Django's ``live_server`` is a WSGI server and cannot serve ``/ws/...``. ``asgi_live_server``
runs ``config.asgi`` under uvicorn in a background thread of the test process, against the
test database: on PostgreSQL every thread opens its own connection to it; on SQLite the test
database is in memory under a shared-cache name (``file:memorydb_default?mode=memory&
cache=shared``), which connections of other threads in this process reach as long as the
test's own connection keeps it open. Both need committed data, so the fixture requires
``transactional_db``. A shared cache locks whole tables and answers a conflict at once
("database table is locked") instead of waiting, so there the connections read uncommitted:
readers take no table locks and a writer is not refused because a page is being read.

Changes a test makes itself through the services (a client's message arriving, say) publish
their events from the test's thread, where Playwright's event loop runs and ``async_to_sync``
cannot; while the server runs, those events are handed to the server's own loop instead, so
they reach the browsers as a webhook's would.
"""

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import pytest


@dataclass
class AsgiLiveServer:
    url: str
    server: object
    thread: threading.Thread

    def __str__(self) -> str:
        return self.url


def _wait_started(server, thread: threading.Thread, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the ASGI server stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError("the ASGI server did not start in time")
        time.sleep(0.02)


def _publish_through(loop: asyncio.AbstractEventLoop, send):
    """``realtime._send`` that, called from the test's thread, runs on the server's loop."""
    from channels.layers import get_channel_layer

    from conversations.realtime import GROUP

    def bridged(event: dict) -> None:
        if threading.current_thread() is not threading.main_thread():
            send(event)  # a view of the server: its thread reaches the loop by itself
            return
        if loop.is_closed() or not loop.is_running():
            return  # the server has stopped: no browser is listening
        layer = get_channel_layer()
        asyncio.run_coroutine_threadsafe(layer.group_send(GROUP, event), loop).result(5)

    return bridged


def _read_uncommitted(sender=None, connection=None, **kwargs) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


@pytest.fixture
def shared_sqlite():
    """On SQLite's shared-cache test database, every connection (this thread's and the
    server's) reads uncommitted; nothing on PostgreSQL."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection_created.connect(_read_uncommitted)
    connection.ensure_connection()
    _read_uncommitted(connection=connection)
    yield
    connection_created.disconnect(_read_uncommitted)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 0")


@pytest.fixture
def asgi_live_server(transactional_db, shared_sqlite, settings, monkeypatch):
    """``config.asgi.application`` served by uvicorn on a free port of 127.0.0.1; ``.url``
    is its base URL. A fresh in-memory channel layer for each test (unless ``REDIS_URL``
    chose Redis), so no event loop of an earlier test is involved."""
    import uvicorn
    from channels.layers import channel_layers

    from config.asgi import application
    from conversations import realtime

    channel_layers.backends = {}
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        application,
        lifespan="off",
        log_level="warning",
        access_log=False,
        ws_ping_interval=None,
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.serve(sockets=[listener]))
        finally:
            loop.close()

    thread = threading.Thread(target=serve, name="asgi-live-server", daemon=True)
    thread.start()
    monkeypatch.setattr(realtime, "_send", _publish_through(loop, realtime._send))
    try:
        _wait_started(server, thread)
        yield AsgiLiveServer(url=f"http://127.0.0.1:{port}", server=server, thread=thread)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        channel_layers.backends = {}


@pytest.fixture
def new_page(browser):
    """Open another browser (its own context: cookies, storage, WebSocket) per call."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
