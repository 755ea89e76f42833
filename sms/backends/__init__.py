"""SMS providers. ``get_backend(name)`` gives the one that sends a message; ``report_format``
the parser of a provider's delivery reports (``/hooks/sms/<provider>/``).

Adding a provider is one class here: a subclass of ``SmsBackend`` with ``name``, ``send`` and
(if it reports deliveries) ``parse_report``, registered in ``BACKENDS``."""

from django.conf import settings

from .base import BadReport, BadSignature, DeliveryReport, SendFailed, SendResult, SmsBackend
from .generic import GenericReports
from .outbox import OutboxBackend
from .twilio import TwilioBackend

BACKENDS: dict[str, type[SmsBackend]] = {
    OutboxBackend.name: OutboxBackend,
    TwilioBackend.name: TwilioBackend,
}
# Delivery report formats by URL name: every backend's own, plus the generic signed JSON.
REPORT_FORMATS: dict[str, type] = {
    TwilioBackend.name: TwilioBackend,
    GenericReports.name: GenericReports,
}

__all__ = [
    "BACKENDS",
    "REPORT_FORMATS",
    "BadReport",
    "BadSignature",
    "DeliveryReport",
    "SendFailed",
    "SendResult",
    "SmsBackend",
    "configured_name",
    "get_backend",
]


def configured_name() -> str:
    """The backend new messages go through (``OFICINA_SMS_BACKEND``)."""
    name = settings.OFICINA_SMS_BACKEND
    if name not in BACKENDS:
        raise LookupError(f"OFICINA_SMS_BACKEND={name!r} is not one of {sorted(BACKENDS)}")
    return name


def get_backend(name: str | None = None) -> SmsBackend:
    return BACKENDS[name or configured_name()]()
