"""Conversation events for open browsers, through the channel layer.

Every event goes to one group, ``conversations``; each WebSocket consumer forwards an event
only when its employee may see that channel (``consumers.py`` checks on every event). The
event carries ids, never text: the browser fetches what changed through the ordinary,
permission-checked pages. With the in-memory layer this reaches the browsers of one process;
with ``REDIS_URL`` the Redis layer reaches every process. The background worker
(``manage.py db_worker``, which hands messages to their channel) is another process: without
Redis its "delivery" events reach no browser, so an open page also looks again by itself at
its messages still sending (``conversations.js``), as it must anyway for events it missed.
"""

import asyncio
import hashlib
import logging
import threading
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("oficina.conversations")

GROUP = "conversations"


def _send_now(layer, event: dict) -> None:
    try:
        async_to_sync(layer.group_send)(GROUP, event)
    except Exception:  # a broken layer must not undo the change that was just committed
        logger.exception("could not publish a conversation event")


def _send(event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _send_now(layer, event)  # the usual case: a sync view or task, no loop in this thread
    else:
        # Sync code called straight from a running event loop (a test driving a browser):
        # async_to_sync cannot run in this thread, another thread can.
        threading.Thread(target=_send_now, args=(layer, event), daemon=True).start()


def publish(conversation, event: str, **data) -> None:
    """Tell open browsers, once the surrounding transaction commits, that ``event``
    happened in ``conversation`` ("message", "status", "assigned", "read", …)."""
    payload = {
        "type": "conversation.event",
        "event": event,
        "conversation": conversation.pk,
        "channel": conversation.channel_id,
        "client": conversation.client_id,
        "at": timezone.now().isoformat(),
        **data,
    }
    transaction.on_commit(lambda: _send(payload))


def publish_access_changed() -> None:
    """Channels, roles or employees changed: every consumer reads its access again
    before it forwards its next event. The id lets each process count one change once."""
    payload = {"type": "access.changed", "id": uuid.uuid4().hex}
    transaction.on_commit(lambda: _send(payload))


def session_fingerprint(session_key: str) -> str:
    """What identifies a session in events: never the key itself."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def publish_session_ended(session_key: str) -> None:
    """A session signed out: the sockets opened with it close, nobody else's access is
    read again."""
    payload = {"type": "session.ended", "session": session_fingerprint(session_key)}
    transaction.on_commit(lambda: _send(payload))
