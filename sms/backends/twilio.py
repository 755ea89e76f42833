"""Twilio's Programmable Messaging API.

Sending: ``POST {TWILIO_API_BASE_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json``,
form-encoded ``To``, ``From`` (or ``MessagingServiceSid``), ``Body`` and ``StatusCallback``,
HTTP basic auth with the account SID and auth token. 201 answers the message as JSON
(``sid``, ``status``, ``error_code``, ``error_message``); errors answer
``{"code": 21211, "message": "...", "status": 400}``. A 429 or a 5xx or a network error may
pass (retried; a 429's ``Retry-After`` is honoured); any other 4xx will not (given up).

Delivery reports: Twilio POSTs the status callback form-encoded (``MessageSid``,
``MessageStatus``, ``ErrorCode``, …), signed in ``X-Twilio-Signature`` (see
``core.webhooks``).

Status mapping (Twilio → Oficina):

=============================================  ==========
queued, accepted, sending, scheduled           In process
sent                                           Sent
delivered (and "read", for channels with it)   Delivered
undelivered (the carrier refused it)           Declined
failed (Twilio could not send it)              Not sent
canceled                                       Not sent
anything else                                  Unknown
=============================================  ==========
"""

import base64
import json
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from core.webhooks import verify_twilio

from .base import BadReport, BadSignature, DeliveryReport, SendFailed, SendResult, SmsBackend

STATUS_MAP = {
    "queued": "in_process",
    "accepted": "in_process",
    "sending": "in_process",
    "scheduled": "in_process",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "declined",
    "failed": "not_sent",
    "canceled": "not_sent",
}
DEFAULT_RETRY_AFTER = 30.0
MAX_ANSWER = 64 * 1024


def _retry_after(value: str | None) -> float:
    """Seconds from a ``Retry-After`` header (seconds form; a date or junk means default)."""
    try:
        return min(3600.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw[:MAX_ANSWER] or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


class TwilioBackend(SmsBackend):
    name = "twilio"
    reports_delivery = True

    def send(self, *, to: str, text: str, reference: int) -> SendResult:
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        sender, service = settings.TWILIO_FROM_NUMBER, settings.TWILIO_MESSAGING_SERVICE_SID
        if not (sid and token and (sender or service)):
            raise SendFailed(
                "Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID)",
                permanent=True,
            )
        fields = {"To": to, "Body": text}
        if service:
            fields["MessagingServiceSid"] = service
        else:
            fields["From"] = sender
        base = (getattr(settings, "OFICINA_PUBLIC_URL", "") or "").rstrip("/")
        if base:  # Twilio can only call back a public URL
            hook = reverse("sms:hook", kwargs={"provider": self.name})
            fields["StatusCallback"] = f"{base}{hook}?sms={reference}"
        url = f"{settings.TWILIO_API_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
        request = Request(  # noqa: S310  (the URL is our setting, http(s) only)
            url,
            data=urlencode(fields).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urlopen(request, timeout=settings.OFICINA_SMS_TIMEOUT) as answer:  # noqa: S310
                data = _json(answer.read(MAX_ANSWER + 1))
        except HTTPError as exc:
            raise self._refusal(exc) from exc
        except (URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SendFailed(f"network error: {reason}") from exc
        provider_id = str(data.get("sid") or "")
        if not provider_id:
            raise SendFailed("Twilio answered without a message sid")
        return SendResult(
            provider_id=provider_id[:64],
            provider_status=str(data.get("status") or "")[:32],
            error_code=str(data.get("error_code") or "")[:32],
            error=str(data.get("error_message") or "")[:1000],
        )

    @staticmethod
    def _refusal(exc: HTTPError) -> SendFailed:
        try:
            data = _json(exc.read(MAX_ANSWER + 1))
        except OSError:
            data = {}
        code = str(data.get("code") or "")[:32]
        text = str(data.get("message") or exc.reason or "")[:1000]
        message = f"HTTP {exc.code}: {text}" if text else f"HTTP {exc.code}"
        if exc.code == 429:
            retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            return SendFailed(message, code=code, retry_after=retry_after)
        if exc.code >= 500:
            return SendFailed(message, code=code)
        return SendFailed(text or message, code=code, permanent=True)

    @classmethod
    def map_status(cls, provider_status: str) -> str:
        return STATUS_MAP.get((provider_status or "").strip().lower(), "unknown")

    @classmethod
    def parse_report(cls, request: HttpRequest, body: bytes) -> DeliveryReport:
        from core.webhooks import public_url

        params = request.POST
        signature = request.headers.get("X-Twilio-Signature", "")
        if not verify_twilio(settings.TWILIO_AUTH_TOKEN, public_url(request), params, signature):
            raise BadSignature
        sid, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
        if not sid or not status or len(sid) > 64:
            raise BadReport("MessageSid and MessageStatus are required")
        reference = request.GET.get("sms", "")
        return DeliveryReport(
            provider_id=sid,
            provider_status=status[:32],
            error_code=params.get("ErrorCode", "")[:32],
            error=params.get("ErrorMessage", "")[:1000],
            reference=int(reference) if reference.isdigit() and len(reference) < 12 else None,
        )
