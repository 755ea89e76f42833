"""``/hooks/calls/<provider>/``: telephony providers report calls here.

Only these views skip sign-in and CSRF: each checks its provider's signature over the raw
body before reading anything (``core.webhooks``). A bad or missing signature is 403, a
malformed body 400 with a JSON error, a wrong content type 415; none of them stores
anything. A repeated delivery updates the call it names.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.webhooks import (
    BodyTooLarge,
    public_url,
    read_limited_body,
    verify_hmac_sha256,
    verify_twilio,
)

from .. import services
from ..providers import generic, twilio
from ..reports import ReportError

logger = logging.getLogger("oficina.calls")

PROVIDER = r"[a-z0-9][a-z0-9-]{0,31}"
TWILIO = "twilio"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


class BadSignature(Exception):
    """The delivery is not signed by the provider (or no secret is configured)."""


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _media_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";", 1)[0].strip().lower()


@csrf_exempt
@login_not_required
@require_POST
def call_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    expected = FORM if provider == TWILIO else JSON
    if _media_type(request) != expected:
        return _error(415, f"Send {expected}.")
    try:
        body = read_limited_body(request, settings.OFICINA_CALLS_WEBHOOK_MAX_BODY)
    except BodyTooLarge:
        limit = settings.OFICINA_CALLS_WEBHOOK_MAX_BODY
        return _error(400, f"The body is over the {limit} byte limit.")
    parse = _twilio if expected == FORM else _generic
    try:
        report = parse(request, body)
    except BadSignature:
        return _error(403, "Bad or missing signature.")
    except ReportError as exc:
        return _error(400, "Malformed call event.", fields=exc.errors)
    call, created = services.call_record(provider=provider, report=report)
    return JsonResponse({"id": call.pk, "created": created}, status=201 if created else 200)


def _generic(request: HttpRequest, body: bytes):
    secret = settings.OFICINA_CALLS_WEBHOOK_SECRET
    if not verify_hmac_sha256(secret, body, request.headers.get("X-Signature", "")):
        raise BadSignature
    return generic.parse(body)


def _twilio(request: HttpRequest, body: bytes):
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    params = QueryDict(text or "", encoding="utf-8")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not verify_twilio(settings.TWILIO_AUTH_TOKEN, public_url(request), params, signature):
        raise BadSignature
    if text is None:
        raise ReportError({"body": "Not UTF-8."})
    return twilio.parse(params)


@login_not_required
@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """A bare view for the webhook benchmark's baseline (``scripts/bench_call_webhooks.py``):
    routed only when ``OFICINA_BENCH_PING`` is set, never in a normal installation."""
    return HttpResponse("ok", content_type="text/plain")
