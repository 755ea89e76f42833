"""``/hooks/telegram/<channel_id>/``: Telegram delivers a bot's updates here.

Open to the internet (no sign-in, no CSRF): the channel's secret token, which Telegram sends
in ``X-Telegram-Bot-Api-Secret-Token`` because ``setWebhook`` gave it one, is all that vouches
for a request. It is checked (in constant time) before the body is read.

Answers: 404 for an unknown or deleted channel, 403 for a missing or wrong secret, 415 for a
body that is not JSON, 413 for one over ``OFICINA_TELEGRAM_WEBHOOK_MAX_BODY``, 400 for one
that is not an update; none of them stores anything. 200 otherwise, quickly: files are
fetched and greetings sent in the background. An update is recorded (``update_seen``) in the
same transaction as what it does, so a replay changes nothing and a failure leaves it to
Telegram's next attempt.
"""

import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.jsontext import loads_strict
from core.webhooks import BodyTooLarge, read_limited_body

from .. import services
from ..models import Channel
from ..telegram import inbound
from ..telegram.updates import BadUpdate, parse

logger = logging.getLogger("oficina.conversations")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _ok() -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
@login_not_required
@require_POST
def telegram_hook(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = Channel.objects.live().filter(pk=channel_id, kind=Channel.Kind.TELEGRAM).first()
    if channel is None:
        raise Http404
    given = request.headers.get(SECRET_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), channel.secret_token.encode()):
        logger.warning("Telegram update for channel %s with a bad secret token", channel.pk)
        return _error(403, "Bad or missing secret token.")
    if (request.content_type or "").lower() != "application/json":
        return _error(415, "Send application/json.")
    limit = settings.OFICINA_TELEGRAM_WEBHOOK_MAX_BODY
    try:
        body = read_limited_body(request, limit)
    except BodyTooLarge:
        return _error(413, f"The body is over the {limit} byte limit.")
    try:
        update = parse(loads_strict(body))
    except (ValueError, UnicodeDecodeError, RecursionError, BadUpdate) as exc:
        reason = str(exc) if isinstance(exc, BadUpdate) else "not JSON"
        return _error(400, f"Not a Telegram update: {reason}.")
    if not inbound.accepts(update):
        return _ok()  # a group chat, a channel post, a kind of update Oficina does not use
    try:
        with transaction.atomic():
            if services.update_seen(channel=channel, update_id=update.update_id):
                inbound.handle(channel, update)
    except services.ConversationError as exc:
        return _error(400, f"Not a Telegram update: {'; '.join(exc.messages)}")
    return _ok()


urlpatterns = [
    path("hooks/telegram/<int:channel_id>/", telegram_hook, name="telegram_hook"),
]
