"""Sending an SMS through the provider: a background task with retries.

A 429 waits the provider's ``Retry-After``; a 5xx or a network error is retried with back-off;
any other refusal (a bad number, a blocked destination) gives up at once. When the task
gives up the message is Not sent, with the provider's words."""

from jobs import GiveUp, Retry, background_task

from . import services
from .backends import SendFailed, get_backend
from .models import SmsMessage, SmsStatus


def _gave_up(sms_id: int, *, error: str = "") -> None:
    services.sms_note_failure(sms_id=sms_id, error=error, final=True)


@background_task(max_attempts=5, backoff=30, on_give_up=_gave_up)
def send_sms(sms_id: int) -> None:
    message = SmsMessage.objects.filter(pk=sms_id).first()
    if message is None or message.provider_id or message.status != SmsStatus.IN_PROCESS:
        return  # deleted, or already handed over: a repeated run sends nothing twice
    backend = get_backend(message.provider)
    try:
        result = backend.send(to=message.phone, text=message.text, reference=message.pk)
    except SendFailed as exc:
        services.sms_note_failure(
            sms_id=sms_id, error=exc.message, error_code=exc.code, final=exc.permanent
        )
        if exc.permanent:
            raise GiveUp(exc.message) from exc
        if exc.retry_after is not None:
            raise Retry(after=exc.retry_after, reason=exc.message) from exc
        raise
    services.sms_mark_sent(
        sms_id=sms_id,
        provider_id=result.provider_id,
        provider_status=result.provider_status,
        error_code=result.error_code,
        error=result.error,
    )
