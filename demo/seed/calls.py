"""A dozen demo calls of clients over the last days, as a PBX would report them through the
generic webhook: incoming and outgoing, answered, missed (each missed incoming call opens
its "Missed call" lead), busy; the latest answered one with a real (generated) recording,
so the player works."""

from datetime import timedelta
from random import Random

from django.utils import timezone

from calls import services as call_services
from calls.audio import tone_wav
from calls.reports import CallReport
from clients.models import ClientPhone

from .content import Content

PLAN = [
    ("incoming", "answered", 185),
    ("outgoing", "answered", 62),
    ("incoming", "missed", 0),
    ("incoming", "answered", 320),
    ("outgoing", "busy", 0),
    ("incoming", "answered", 45),
    ("outgoing", "missed", 0),
    ("incoming", "answered", 130),
    ("outgoing", "answered", 240),
    ("incoming", "failed", 0),
    ("incoming", "answered", 95),
    ("incoming", "missed", 0),
]


def load(rng: Random, content: Content, employees) -> None:
    manager, tech = employees[1], employees[2]
    shop = content.shop_phone
    phones = list(ClientPhone.objects.order_by("pk").values_list("number", flat=True)[:10])
    now = timezone.now()
    recorded = None
    for i, (direction, status, duration) in enumerate(PLAN):
        # The last one comes from a number no client has.
        other = phones[i % len(phones)] if i < len(PLAN) - 1 else content.stranger_phone
        incoming = direction == "incoming"
        call, _created = call_services.call_record(
            provider="demo",
            report=CallReport(
                provider_id=f"demo-{i + 1:04d}",
                direction=direction,
                status=status,
                from_number=other if incoming else shop,
                to_number=shop if incoming else other,
                started_at=now - timedelta(days=i // 3, hours=rng.randint(1, 6) + i),
                duration=duration,
                employee=(manager if i % 2 else tech).login if status == "answered" else None,
            ),
        )
        if recorded is None and status == "answered" and incoming:
            recorded = call
    if recorded is not None:
        call_services.call_recording_attach(call=recorded, content=tone_wav(2.0))
