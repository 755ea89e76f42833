"""The generic delivery report: JSON ``{"id": "<provider message id>", "status": "...",
"error": "..."}`` (optional ``"error_code"``), signed with the hex HMAC-SHA256 of the raw body
in ``X-Signature`` under ``OFICINA_SMS_WEBHOOK_SECRET``. Statuses are ours (``in_process``,
``sent``, ``delivered``, ``declined``, ``not_sent``) or Twilio's words (see ``twilio.py``)."""

from django.conf import settings
from django.http import HttpRequest

from core.jsontext import loads_strict
from core.webhooks import verify_hmac_sha256

from .base import BadReport, BadSignature, DeliveryReport

OWN = {"in_process", "sent", "delivered", "declined", "not_sent"}


class GenericReports:
    name = "generic"

    @classmethod
    def map_status(cls, provider_status: str) -> str:
        from .twilio import TwilioBackend

        word = (provider_status or "").strip().lower()
        return word if word in OWN else TwilioBackend.map_status(word)

    @classmethod
    def parse_report(cls, request: HttpRequest, body: bytes) -> DeliveryReport:
        signature = request.headers.get("X-Signature", "")
        if not verify_hmac_sha256(settings.OFICINA_SMS_WEBHOOK_SECRET, body, signature):
            raise BadSignature
        try:
            data = loads_strict(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadReport("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise BadReport("the body is not a JSON object")
        ident, status = data.get("id"), data.get("status")
        if not isinstance(ident, str | int) or isinstance(ident, bool) or not str(ident):
            raise BadReport("id is missing")
        if not isinstance(status, str) or not status.strip():
            raise BadReport("status is missing")
        error, code = data.get("error") or "", data.get("error_code") or ""
        if not isinstance(error, str) or not isinstance(code, str | int):
            raise BadReport("error must be text")
        return DeliveryReport(
            provider_id=str(ident)[:64],
            provider_status=status.strip()[:32],
            error_code=str(code)[:32],
            error=error[:1000],
        )
