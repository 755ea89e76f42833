"""Driving ``/ws/conversations/`` in tests: the real ASGI application (origin check, session
authentication, routing) through Channels' ``WebsocketCommunicator``, with a fresh in-memory
channel layer per test.

A test is synchronous and runs its WebSocket part with ``run(scenario)``: the scenario's
database work (the consumer's and the test's own, through ``in_db``) runs back in the test's
thread, inside the test's transaction. Changes made through services publish their events
when ``committed()`` ends, as they would after a real commit.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, TestCase

PATH = "/ws/conversations/"
ORIGIN = (b"origin", b"http://127.0.0.1")

in_db = database_sync_to_async
run = async_to_sync


def committed():
    """Run the on-commit callbacks (events) of what the block changes, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def session_cookie(employee) -> str:
    """A signed-in browser session of ``employee``: its cookie value."""
    http = Client()
    http.force_login(employee)
    return http.cookies[settings.SESSION_COOKIE_NAME].value


def socket(cookie: str | None = None, *, origin=ORIGIN) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, PATH, headers=headers)


async def connect(cookie: str | None, **kwargs) -> tuple[WebsocketCommunicator, bool, int]:
    communicator = socket(cookie, **kwargs)
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


async def frames(communicator: WebsocketCommunicator, *, wait: float = 0.3) -> list[dict]:
    """Every frame that arrives within ``wait`` seconds (a close is {"close": code})."""
    received = []
    while not await communicator.receive_nothing(timeout=wait, interval=0.01):
        output = await communicator.receive_output()
        if output["type"] == "websocket.close":
            received.append({"close": output.get("code")})
            break
        received.append(json.loads(output["text"]))
    return received


async def closed_with(communicator: WebsocketCommunicator, *, timeout: float = 2) -> int | None:
    """The close code the server sent next, skipping frames before it."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


@pytest.fixture
def realtime(settings, monkeypatch):
    """A fresh in-memory channel layer and fresh per-process state of the consumer; the
    consumer's database calls keep the test's connection (and transaction) open."""
    from channels import db as channels_db
    from channels.layers import channel_layers

    from conversations import consumers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    monkeypatch.setattr(channel_layers, "backends", {})
    monkeypatch.setattr(channels_db, "close_old_connections", lambda: None)
    monkeypatch.setattr(consumers, "access_cache", consumers.AccessCache())
    monkeypatch.setattr(consumers, "open_sockets", consumers.Counter())
    return consumers
