"""Downloads under the ASGI server leave in chunks as they are read, not after the whole file
was read into memory (Django's fallback for a synchronous iterator)."""

import asyncio
import warnings

import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections
from django.urls import reverse

from conversations import services
from conversations.services import IncomingFile
from conversations.tests.factories import ChannelFactory, ConversationFactory
from core.streaming import BATCH_BYTES, stream_in_thread

pytestmark = pytest.mark.django_db

TOKEN = "T" * 32


async def _collect(iterable) -> list[bytes]:
    return [chunk async for chunk in iterable]


def test_chunks_come_out_whole_and_in_order_a_batch_at_a_time():
    chunks = [bytes([n % 256]) * 10_000 for n in range(100)]  # 1,000,000 bytes
    batches = async_to_sync(_collect)(stream_in_thread(chunks))
    assert b"".join(batches) == b"".join(chunks)
    # 27 chunks make the first batch over BATCH_BYTES (262,144): three of 270,000, the rest.
    assert [len(batch) for batch in batches] == [270_000, 270_000, 270_000, 190_000]


def test_an_empty_iterator_gives_nothing():
    assert async_to_sync(_collect)(stream_in_thread(iter([]))) == []


def test_the_source_is_closed_when_the_reader_stops_early():
    closed = []

    def source():
        try:
            while True:
                yield b"x" * BATCH_BYTES
        finally:
            closed.append(True)

    async def first_only():
        stream = stream_in_thread(source())
        first = await anext(stream)
        await stream.aclose()
        return first

    assert len(async_to_sync(first_only)()) == BATCH_BYTES
    assert closed == [True]


def _asgi_get(path: str, headers: dict[str, str]) -> tuple[dict, list[bytes], list[str]]:
    """GET ``path`` through Django's ASGI handler as uvicorn would: the start message, every
    body message, and the warnings raised meanwhile."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []
    requested = []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected (the handler cancels this)

    async def send(message):
        sent.append(message)

    # As Django's test client does: the handler must not close the test's own connection
    # (PostgreSQL runs each test inside a transaction on it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            async_to_sync(ASGIHandler())(scope, receive, send)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    start = next(m for m in sent if m["type"] == "http.response.start")
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return start, bodies, [str(w.message) for w in caught]


def test_a_file_download_under_asgi_is_streamed_not_read_whole_first(settings):
    channel = ChannelFactory()
    conversation = ConversationFactory(channel=channel, external_id=TOKEN)
    content = ("linha de log\n" * 120_000).encode()  # about 1.5 MB of text
    message = services.message_receive(
        conversation=conversation,
        text="segue o log",
        files=[IncomingFile(name="log.txt", content_type="text/plain", content=content)],
    )
    attachment = message.attachments.get()
    path = reverse("conversations:webchat_file", args=[channel.public_key, attachment.pk])

    start, bodies, caught = _asgi_get(path, {"X-Chat-Token": TOKEN})

    assert start["status"] == 200
    assert b"".join(bodies) == content
    assert not [w for w in caught if "synchronous iterators" in w]
