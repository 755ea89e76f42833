"""Sites that tried to show a web chat without being listed on the channel.

A shop copies the snippet to its site before (or without) adding the site under "Websites
allowed to show the chat". The widget then shows nothing to the visitors there, and the
channel's settings page names the site, so the admin sees what to add. Every page view of
such a site reports it: the report is written at most once per site per ``QUIET_SECONDS``
and ``CHANNEL_WRITES`` times per hour per channel (counted in the shared cache), so a busy
site — or someone inventing origins — cannot turn page views into database writes. Only the
last ``KEPT`` sites are kept.
"""

import hashlib
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Channel, origin_normalize

KEPT = 5
QUIET_SECONDS = 10 * 60
CHANNEL_WRITES = 30  # per hour


def _first_in_window(key: str, limit: int, window: int) -> bool:
    """Count one event under ``key`` in a fixed window; whether it is within ``limit``."""
    slot = int(time.time()) // window
    key = f"{key}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        return True


def channel_embed_refused(*, channel: Channel, origin: str) -> bool:
    """Record that the site ``origin`` tried to show ``channel``'s chat without being listed
    (throttled: see the module's docstring). Whether it was written."""
    try:
        origin = origin_normalize(origin)
    except ValidationError:
        return False  # not an origin a browser writes ("null", a file:// page, garbage)
    digest = hashlib.sha256(origin.encode()).hexdigest()[:24]
    if not cache.add(f"webchat:embed-refused:{channel.pk}:{digest}", 1, timeout=QUIET_SECONDS):
        return False
    if not _first_in_window(f"webchat:embed-refused:{channel.pk}", CHANNEL_WRITES, 3600):
        return False
    with transaction.atomic():
        locked = Channel.objects.select_for_update().only("pk", "embed_refusals").get(pk=channel.pk)
        kept = [
            entry
            for entry in (locked.embed_refusals if isinstance(locked.embed_refusals, list) else [])
            if isinstance(entry, dict) and entry.get("origin") != origin
        ]
        locked.embed_refusals = [{"origin": origin, "at": timezone.now().isoformat()}, *kept][:KEPT]
        locked.save(update_fields=["embed_refusals"])
    channel.embed_refusals = locked.embed_refusals
    return True


def embed_refusals(channel: Channel) -> list[dict]:
    """The sites to show on the settings page: still not listed, newest first, each with the
    time of its last try (``{"origin": str, "at": datetime}``)."""
    listed = set(channel.allowed_origins if isinstance(channel.allowed_origins, list) else [])
    refusals = []
    for entry in channel.embed_refusals if isinstance(channel.embed_refusals, list) else []:
        if not isinstance(entry, dict) or entry.get("origin") in listed:
            continue
        at = parse_datetime(str(entry.get("at") or ""))
        if at is not None and entry.get("origin"):
            refusals.append({"origin": str(entry["origin"]), "at": at})
    return refusals
