"""The outbox: a provider that sends nothing. Each message is kept in ``OutboxMessage`` and
shown at /sms/outbox/, where a delivery report can be simulated (development, demos and
tests)."""

from uuid import uuid4

from .base import SendResult, SmsBackend


class OutboxBackend(SmsBackend):
    name = "outbox"
    reports_delivery = True  # simulated from the outbox page

    STATUSES = {"sent", "delivered", "declined", "not_sent", "in_process"}

    def send(self, *, to: str, text: str, reference: int) -> SendResult:
        from ..models import OutboxMessage

        provider_id = "OB" + uuid4().hex
        OutboxMessage.objects.create(
            message_id=reference, provider_id=provider_id, to=to, text=text
        )
        return SendResult(provider_id=provider_id, provider_status="sent")

    @classmethod
    def map_status(cls, provider_status: str) -> str:
        from .generic import GenericReports

        return GenericReports.map_status(provider_status)
