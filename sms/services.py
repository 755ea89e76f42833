"""Every change to SMS data: queueing a message, what the provider answers, delivery reports,
and the shop's templates."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from core.phones import to_e164

from . import templating
from .backends import configured_name, get_backend
from .encoding import MAX_CHARS, MAX_SEGMENTS, segment_info
from .models import FINAL, RANK, SmsMessage, SmsStatus, SmsTemplate

logger = logging.getLogger("oficina.sms")


def _notify_phones(client: Client) -> list[str]:
    return [p.number for p in client.phones.all() if p.notify]


def sms_check_text(text: str):
    """The segment info of ``text`` as it will be sent; ValidationError when it is empty or too
    long."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": _("Write the message: it is empty.")}, code="empty")
    if len(text) > MAX_CHARS:
        raise ValidationError(
            {
                "text": _("The message is too long: at most %(max)s characters.")
                % {"max": MAX_CHARS}
            },
            code="too_long",
        )
    info = segment_info(text.strip())
    if info.segments > MAX_SEGMENTS:
        raise ValidationError(
            {
                "text": _("The message is too long: %(segments)s parts, at most %(max)s.")
                % {"segments": info.segments, "max": MAX_SEGMENTS}
            },
            code="too_long",
        )
    return info


def sms_pick_phone(client: Client, phone: str | None) -> str:
    """The E.164 number to send to: ``phone`` if it is one of the client's phones with
    "notify" on, else the first of those; ValidationError otherwise."""
    allowed = _notify_phones(client)
    if phone:
        e164 = to_e164(phone) if isinstance(phone, str) else None
        if e164 is None:
            raise ValidationError(
                {
                    "phone": _("“%(value)s” is not a valid phone number.")
                    % {"value": str(phone)[:40]}
                },
                code="invalid_phone",
            )
        if e164 not in allowed:
            raise ValidationError(
                {
                    "phone": _(
                        "This number is not one of the client's phones with notifications on."
                    )
                },
                code="phone_not_allowed",
            )
        return e164
    valid = [number for number in allowed if to_e164(number) == number]
    if not valid:
        raise ValidationError(
            {
                "phone": _(
                    "The client has no phone that accepts SMS: add a valid number or turn "
                    "“notify” on for one."
                )
            },
            code="no_phone",
        )
    return valid[0]


def sms_send(
    *,
    actor,
    client: Client,
    text: str = "",
    phone: str | None = None,
    template: SmsTemplate | None = None,
) -> SmsMessage:
    """Queue an SMS to the client: checked here (text, phone), sent by the background task once
    this transaction commits. An empty ``text`` with a ``template`` sends the template filled
    in for the client."""
    if template is not None and not (text or "").strip():
        try:
            text = templating.render(template.text, client, actor)
        except ValidationError as exc:
            raise ValidationError({"template": exc.messages}) from exc
    info = sms_check_text(text)
    number = sms_pick_phone(client, phone)
    from .tasks import send_sms

    with transaction.atomic():
        message = SmsMessage.objects.create(
            client=client,
            phone=number,
            text=info.text,
            encoding=info.encoding,
            segments=info.segments,
            provider=configured_name(),
            template=template,
            created_by=actor,
        )
        send_sms.defer(message.pk)
    return message


def _move(message: SmsMessage, status: str, *, now=None) -> bool:
    """Move ``message`` to ``status`` if that is forward; True when it moved."""
    if message.status in FINAL or RANK[status] <= RANK[message.status]:
        return False
    message.status = status
    message.status_changed_at = now or timezone.now()
    return True


def sms_mark_sent(
    *, sms_id: int, provider_id: str, provider_status: str, error_code: str = "", error: str = ""
) -> SmsMessage:
    """The provider took the message: it is Sent (or further, if the provider said so)."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=sms_id)
        backend = get_backend(message.provider)
        now = timezone.now()
        message.provider_id = provider_id
        message.sent_at = now
        if not message.is_final:  # a fast delivery report may already have said more
            message.provider_status = provider_status
            message.error_code, message.error = error_code, error
        _move(message, SmsStatus.SENT, now=now)
        mapped = backend.map_status(provider_status) if provider_status else SmsStatus.SENT
        if mapped in RANK and RANK[mapped] > RANK[SmsStatus.SENT]:
            _move(message, mapped, now=now)
        message.save()
    return message


def sms_note_failure(*, sms_id: int, error: str, error_code: str = "", final: bool) -> None:
    """An attempt failed: keep the provider's words; when nothing more will be tried the
    message is Not sent."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=sms_id).first()
        if message is None or message.is_final or message.provider_id:
            return
        message.error, message.error_code = error[:2000], error_code[:32]
        if final:
            _move(message, SmsStatus.NOT_SENT)
        message.save()


def sms_report(
    *,
    report_format,
    provider_id: str,
    provider_status: str,
    error_code: str = "",
    error: str = "",
    reference: int | None = None,
) -> SmsMessage | None:
    """A delivery report: move the message forward (never back), keep the error. Unknown
    ids change nothing (None); a replay changes nothing.

    ``reference`` (our id, signed by the provider) finds a message whose send request has not
    yet recorded the provider's id: a fast report may overtake it."""
    status = report_format.map_status(provider_status)
    with transaction.atomic():
        messages = SmsMessage.objects.select_for_update()
        if report_format.name != "generic":
            messages = messages.filter(provider=report_format.name)
        message = messages.filter(provider_id=provider_id).order_by("-id").first()
        early = False
        if message is None and reference is not None:
            message = messages.filter(pk=reference, provider_id="").first()
            if message is not None:
                message.provider_id, early = provider_id, True
        if message is None:
            return None
        if not _move(message, status):
            if early:
                message.save(update_fields=["provider_id"])
            return message
        message.provider_status = provider_status
        if status in (SmsStatus.NOT_SENT, SmsStatus.DECLINED, SmsStatus.UNKNOWN):
            message.error_code = error_code or message.error_code
            message.error = error or message.error
            if message.error_code and not message.error:
                message.error = _("The provider reported error %(code)s.") % {
                    "code": message.error_code
                }
        message.save()
    return message


def sms_template_save(
    *,
    actor,
    template: SmsTemplate | None = None,
    name: str,
    text: str,
    active: bool = True,
    position: int = 0,
) -> SmsTemplate:
    """Create or change a template; its text must be a valid template (see templating)."""
    name, text = (name or "").strip(), (text or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    if not text:
        raise ValidationError({"text": _("Write the template's text.")})
    try:
        templating.check(text)
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from exc
    if len(text) > MAX_CHARS:
        raise ValidationError(
            {"text": _("The message is too long: at most %(max)s characters.") % {"max": MAX_CHARS}}
        )
    with transaction.atomic():
        template = template or SmsTemplate()
        template.name, template.text = name[:100], text
        template.active, template.position = active, position
        template.save()
    return template


def sms_template_delete(*, actor, template: SmsTemplate) -> None:
    """Delete a template; messages sent with it keep their text."""
    with transaction.atomic():
        template.delete()
