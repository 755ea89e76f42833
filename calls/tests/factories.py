"""Calls for tests. Webhook and service tests go through ``calls.services``; ``CallFactory``
writes a call directly, for list, permission and query-count tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from calls.audio import tone_wav
from calls.models import Call


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    provider = "generic"
    provider_id = factory.Sequence(lambda n: f"call-{n}")
    direction = Call.Direction.INCOMING
    status = Call.Status.ANSWERED
    from_number = factory.Sequence(lambda n: f"+55119{n % 4 + 6}{n:07d}")
    to_number = "+551133334444"
    started_at = factory.Sequence(lambda n: timezone.now() - timedelta(minutes=n))
    duration = 65


def wav_bytes(seconds: float = 1.0, rate: int = 8000, tone: float = 440.0) -> bytes:
    """A real mono 16-bit WAV file: ``seconds`` of a quiet tone."""
    return tone_wav(seconds, rate=rate, frequency=tone)


MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413  # one silent MPEG-1 Layer III frame
