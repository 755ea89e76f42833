"""The WebSocket that keeps an employee's open pages current.

Authentication is the browser's session (Channels' ``AuthMiddlewareStack``; the origin is
checked against ALLOWED_HOSTS in ``config/asgi.py``). A socket is refused (closed before it
is accepted) for an anonymous visitor and for an employee without conversation access.

Every conversation event is checked before it is forwarded: the employee must (still) be
signed in with that session and may see the event's channel. What they may see is read from
the database on connect and again after any access change — a role's permissions, an
employee's role or activity, a channel's access or members (``signals.py`` broadcasts
``access.changed``) — and at least every ``ACCESS_TTL`` seconds, as a safety net
for changes made where no signal fires. The re-read is lazy (on the socket's next event), so
an access change costs nothing while nothing happens, and is shared by the tabs of one
session in this process (``AccessCache``). Signing out closes that session's sockets at
once (``session.ended``) without making anyone else re-read. Events carry ids, never text.

Limits: at most ``MAX_CONNECTIONS_PER_EMPLOYEE`` sockets per employee in one process; a
browser may send only small text frames (pings), at most ``RATE_LIMIT`` per ``RATE_WINDOW``
seconds. Close codes the page acts on:

- 4401: the session ended (signed out, password changed): reload to sign in again;
- 4403: no conversation access any more: stop reconnecting;
- 4429: too many frames or too many open sockets: reconnect later, with back-off;
- 1003 / 1009: a binary or oversized frame.
"""

import asyncio
import json
import random
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils.crypto import constant_time_compare

from accounts.models import Employee

from .access import has_conversation_access
from .models import Channel
from .realtime import GROUP, session_fingerprint

ACCESS_TTL = 10.0
RATE_LIMIT = 30
RATE_WINDOW = 10.0
MAX_FRAME = 1024
MAX_CONNECTIONS_PER_EMPLOYEE = 20
# Channel layers forget a group member after a day (``group_expiry``); a tab left open over
# a weekend re-joins well before that.
REJOIN_EVERY = 3600.0
# Message ids one frame names at most (a web chat poll delivers at most 200 at once).
MAX_IDS = 200

CLOSE_UNSUPPORTED = 1003
CLOSE_TOO_BIG = 1009
CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_RATE_LIMITED = 4429

SIGNED_OUT = "signed-out"
MISSING = object()


@dataclass(frozen=True)
class _Entry:
    generation: int
    loaded_at: float
    result: frozenset[int] | str | None


class AccessCache:
    """What each session may see, per process, for ``ACCESS_TTL`` seconds or until the next
    access change: the five tabs of one browser read the database once, not five times.

    After an access change every socket needs a fresh answer before its next event. The
    sockets that miss together are answered by one trip to the database thread (``load``),
    not one trip — and on PostgreSQL one new connection — each."""

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._seen: deque[str] = deque(maxlen=256)
        self._entries: dict[tuple[int, str], _Entry] = {}
        # Sockets waiting for the next batch: key -> (scope, futures).
        self._waiting: dict[tuple[int, str], tuple[dict, list[asyncio.Future]]] = {}
        self._batches: set[asyncio.Task] = set()

    def changed(self, change_id: str | None = None) -> None:
        """Access changed somewhere: forget everything read so far. Each consumer in the
        process hears the same broadcast; it counts once."""
        with self._lock:
            if change_id is not None:
                if change_id in self._seen:
                    return
                self._seen.append(change_id)
            self._generation += 1
            self._entries.clear()

    def get(self, key: tuple[int, str]):
        """The cached result for ``key``, or ``MISSING``."""
        with self._lock:
            entry = self._entries.get(key)
            if (
                entry is not None
                and entry.generation == self._generation
                and time.monotonic() - entry.loaded_at < ACCESS_TTL
            ):
                return entry.result
        return MISSING

    def read(self, key: tuple[int, str], load) -> frozenset[int] | str | None:
        """The cached result for ``key``, else ``load()`` (run in the database thread)."""
        with self._lock:
            generation = self._generation
        cached = self.get(key)
        if cached is not MISSING:
            return cached
        result = load()
        now = time.monotonic()
        with self._lock:
            if generation == self._generation:  # no access change while it was read
                if len(self._entries) >= self.MAX_ENTRIES:
                    self._entries = {
                        k: e for k, e in self._entries.items() if now - e.loaded_at < ACCESS_TTL
                    }
                self._entries[key] = _Entry(generation, now, result)
        return result

    async def load(self, key: tuple[int, str], scope) -> frozenset[int] | str | None:
        """A fresh answer for ``key``, read in a batch with every other socket's miss."""
        future = asyncio.get_running_loop().create_future()
        first = not self._waiting
        self._waiting.setdefault(key, (scope, []))[1].append(future)
        if first:
            # A task of its own: a socket that closes meanwhile must not strand the others.
            batch = asyncio.ensure_future(self._load_waiting())
            self._batches.add(batch)
            batch.add_done_callback(self._batches.discard)
        return await future

    async def _load_waiting(self) -> None:
        await asyncio.sleep(0)  # let the other sockets handling the same event join
        waiting, self._waiting = self._waiting, {}
        try:
            results = await database_sync_to_async(self._read_many)(
                {key: scope for key, (scope, _futures) in waiting.items()}
            )
        except Exception as exc:
            for _scope, futures in waiting.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for key, (_scope, futures) in waiting.items():
            for future in futures:
                if not future.done():
                    future.set_result(results[key])

    def _read_many(self, scopes: dict) -> dict:
        return {
            key: self.read(key, lambda s=scope: _read_access(s)) for key, scope in scopes.items()
        }


access_cache = AccessCache()
# Open sockets per employee in this process.
open_sockets: Counter[int] = Counter()


def _signed_in_employee(scope):
    """The employee the socket's session signs in *now*, read afresh: None once the session
    ended, or its password hash no longer matches (a changed password signs other sessions
    out, as Django's ``get_user`` decides — read here without changing the session)."""
    user = scope["user"]
    session_key = getattr(scope.get("session"), "session_key", None)
    if not session_key:
        # A scope built without a session (an embedding application's own auth middleware).
        return Employee.objects.select_related("role").filter(pk=user.pk, is_active=True).first()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    backend_path = store.get(BACKEND_SESSION_KEY)
    session_hash = store.get(HASH_SESSION_KEY)
    if (
        str(store.get(SESSION_KEY)) != str(user.pk)
        or backend_path not in settings.AUTHENTICATION_BACKENDS
        or not session_hash
    ):
        return None
    employee = load_backend(backend_path).get_user(user.pk)
    if employee is None:
        return None
    hashes = [employee.get_session_auth_hash(), *employee.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(session_hash, known) for known in hashes):
        return None
    return employee


def _read_access(scope) -> frozenset[int] | str | None:
    employee = _signed_in_employee(scope)
    if employee is None:
        return SIGNED_OUT
    if not has_conversation_access(employee):
        return None
    return frozenset(Channel.objects.accessible_to(employee).values_list("pk", flat=True))


async def accessible_channels(scope) -> frozenset[int] | str | None:
    """The ids of the channels the socket's employee may see now; None without conversation
    access; ``SIGNED_OUT`` when the session no longer signs anyone in. A cached answer costs
    no trip to the database thread."""
    session_key = getattr(scope.get("session"), "session_key", None) or ""
    key = (scope["user"].pk, session_key)
    cached = access_cache.get(key)
    if cached is not MISSING:
        return cached
    return await access_cache.load(key, scope)


class ConversationConsumer(AsyncWebsocketConsumer):
    """``/ws/conversations/``: forwards ``{"type": "conversation", "event": …,
    "conversation": id, "client": id, "message": id, "at": iso}`` for the conversations the
    employee may see — an event about several messages at once (the web chat's visitor
    fetched them: "delivery") names them in ``"messages": [id, …]`` instead; answers
    ``{"type": "ping"}`` with ``{"type": "pong"}``."""

    counted = False
    channels_allowed: frozenset[int] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.employee_id = user.pk
        self.frames: deque[float] = deque()
        session_key = getattr(self.scope.get("session"), "session_key", None)
        self.session = session_fingerprint(session_key) if session_key else None
        allowed = await accessible_channels(self.scope)
        if not isinstance(allowed, frozenset):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if open_sockets[self.employee_id] >= MAX_CONNECTIONS_PER_EMPLOYEE:
            # Accepted first so the page sees the code and backs off instead of retrying.
            await self.accept()
            await self.close(code=CLOSE_RATE_LIMITED, reason="too many connections")
            return
        open_sockets[self.employee_id] += 1
        self.counted = True
        self.channels_allowed = allowed
        self.checked_at = time.monotonic()
        # Sockets opened together (a server restart reconnects every page) do not all
        # re-read their access at the same moment.
        self.ttl_share = random.uniform(0.75, 1.0)  # noqa: S311  not a secret
        await self.channel_layer.group_add(GROUP, self.channel_name)
        self.rejoin = asyncio.create_task(self._rejoin_periodically())
        await self.accept()

    async def disconnect(self, code) -> None:
        if not self.counted:
            return
        self.counted = False
        open_sockets[self.employee_id] -= 1
        if open_sockets[self.employee_id] <= 0:
            del open_sockets[self.employee_id]
        self.rejoin.cancel()
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def _rejoin_periodically(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_EVERY)
            await self.channel_layer.group_add(GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        now = time.monotonic()
        while self.frames and now - self.frames[0] >= RATE_WINDOW:
            self.frames.popleft()
        self.frames.append(now)
        if len(self.frames) > RATE_LIMIT:
            await self.close(code=CLOSE_RATE_LIMITED, reason="too many frames")
            return
        if bytes_data is not None:
            await self.close(code=CLOSE_UNSUPPORTED)
            return
        if len(text_data or "") > MAX_FRAME:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            return
        if isinstance(frame, dict) and frame.get("type") == "ping":
            await self.send(text_data=json.dumps({"type": "pong"}))

    async def _access_is_current(self) -> bool:
        """Re-read access when it is stale; False (and the socket closed) when it is gone."""
        if time.monotonic() - self.checked_at <= ACCESS_TTL * self.ttl_share:
            return self.channels_allowed is not None
        allowed = await accessible_channels(self.scope)
        self.checked_at = time.monotonic()
        if isinstance(allowed, frozenset):
            self.channels_allowed = allowed
            return True
        self.channels_allowed = None
        await self.close(code=CLOSE_SIGNED_OUT if allowed == SIGNED_OUT else CLOSE_FORBIDDEN)
        return False

    async def access_changed(self, event) -> None:
        access_cache.changed(event.get("id") or uuid.uuid4().hex)
        self.checked_at = float("-inf")  # re-read before the next event is forwarded

    async def session_ended(self, event) -> None:
        if self.counted and self.session and event.get("session") == self.session:
            await self.close(code=CLOSE_SIGNED_OUT)

    async def conversation_event(self, event) -> None:
        if not self.counted or not await self._access_is_current():
            return
        if event.get("channel") not in self.channels_allowed:
            return
        frame = {
            "type": "conversation",
            "event": event["event"],
            "conversation": event["conversation"],
            "client": event.get("client"),
            "message": event.get("message"),
            "at": event.get("at"),
        }
        if event.get("messages"):
            frame["messages"] = [int(pk) for pk in event["messages"][:MAX_IDS]]
        await self.send(text_data=json.dumps(frame))
