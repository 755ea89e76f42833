"""Two demo SMS templates and a few messages in different statuses (the outbox backend's
history: delivered, sent, declined by the carrier, not sent with the provider's error,
still in process)."""

from datetime import timedelta
from random import Random
from uuid import uuid4

from django.utils import timezone

from clients.models import ClientPhone
from sms import services as sms_services
from sms.encoding import segment_info
from sms.models import OutboxMessage, SmsMessage, SmsStatus

from .content import Content

# The provider's own words (Twilio's error texts), not the shop's: the same in any language.
PLAN = [
    (SmsStatus.DELIVERED, "", "", 3),
    (SmsStatus.DELIVERED, "", "", 2),
    (SmsStatus.SENT, "", "", 1),
    (SmsStatus.DECLINED, "30003", "Unreachable destination handset", 1),
    (SmsStatus.NOT_SENT, "21211", "The 'To' number is not a valid phone number.", 0),
    (SmsStatus.IN_PROCESS, "", "", 0),
]


def load(rng: Random, content: Content, employees) -> None:
    admin, manager = employees[:2]
    templates = [
        sms_services.sms_template_save(actor=admin, name=name, text=text, position=position)
        for position, (name, text) in enumerate(content.sms_templates, start=1)
    ]
    now = timezone.now()
    phones = ClientPhone.objects.filter(notify=True).select_related("client").order_by("pk")
    for (status, code, error, days), phone in zip(PLAN, phones[:6], strict=False):
        info = segment_info(content.sms_text.format(client=phone.client))
        sent = status not in (SmsStatus.IN_PROCESS, SmsStatus.NOT_SENT)
        provider_id = "OB" + uuid4().hex if sent else ""
        message = SmsMessage.objects.create(
            client=phone.client,
            phone=phone.number,
            text=info.text,
            encoding=info.encoding,
            segments=info.segments,
            status=status,
            provider="outbox",
            provider_id=provider_id,
            error_code=code,
            error=error,
            template=templates[0] if days == 3 else None,
            created_by=manager,
            created_at=now - timedelta(days=days, hours=rng.randint(1, 8)),
            sent_at=now - timedelta(days=days) if sent else None,
        )
        if sent:
            OutboxMessage.objects.create(
                message=message, provider_id=provider_id, to=phone.number, text=info.text
            )
