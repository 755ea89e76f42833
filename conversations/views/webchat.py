"""The web chat widget visitors use, without an account.

``/chat/<public_key>/`` is a small standalone page a shop shows in an iframe on its own site
(``embed.js`` adds the button that opens it) or links to. A cross-site iframe gets no
SameSite=Lax cookies, so nothing here relies on cookies or the session: the visitor's identity
is a random token the server issues with their first message, which the widget keeps in
``localStorage`` and sends explicitly (``X-Chat-Token`` header or ``token`` parameter; files
only with the header, so the token never ends up in a URL a proxy logs). It is the
conversation's ``external_id``; a wrong token sees nothing.

Only the sites the shop listed on the channel (``Channel.allowed_origins``) may frame the
widget (``Content-Security-Policy: frame-ancestors``), and the widget hands its token only to
a parent page of one of them; with no site listed it works only as a page of its own.

The endpoints that take the token are ``csrf_exempt``: a request carries no ambient
authority (no cookie, no session), only the token it states, so a forged cross-site request
can do nothing its sender could not do directly. Sending is rate-limited per token and per
IP address through Django's cache; answers are JSON (``format=html``: an escaped fragment).
A visitor may send one file with a message (multipart): checked by its content with the same
rules as an employee's files (``conversations.files``) and rate-limited per IP address.

This module serves the pages (the widget, an invitation) and names every route; what the
widget sends and fetches is in ``webchat_messages``, the script for a shop's site in
``webchat_embed``, and what they share in ``webchat_common``.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.webhooks import BodyTooLarge

from .. import files as chat_files
from .. import services
from ..models import TEXT_MAX, Channel, Conversation, new_token
from . import webchat_embed, webchat_messages
from .webchat_common import (
    absolute_url,
    client_ip,
    embedding_origins,
    error,
    frame_policy,
    live_channel,
    no_store,
    rate_ok,
    read_payload,
    stated_token,
    too_many,
)
from .webchat_messages import mark_delivered, message_json, messages_after

__all__ = ["absolute_url", "client_ip", "urlpatterns"]

POLL_MS = 2500


def _unavailable(request: HttpRequest, message: str, channel: Channel | None = None):
    response = render(
        request,
        "conversations/webchat/unavailable.html",
        {"message": message, "channel": channel},
        status=404,
    )
    patch_cache_control(response, no_store=True)
    if channel is None:
        # Unknown or deleted: the notice may show in whatever frame asked; it holds nothing.
        response.xframe_options_exempt = True
        return response
    return frame_policy(response, channel)


def _widget(request: HttpRequest, channel: Channel, join_url: str = "") -> HttpResponse:
    config = {
        "messagesUrl": reverse("conversations:webchat_messages", args=[channel.public_key]),
        "widgetUrl": reverse("conversations:webchat", args=[channel.public_key]),
        "joinUrl": join_url,
        "storageKey": "oficina-chat:" + channel.public_key,
        "pollMs": POLL_MS,
        "textMax": TEXT_MAX,
        "fileMax": chat_files.MAX_BYTES,
        # The sites whose pages may get the visitor's token (the widget checks its parent).
        "allowedOrigins": embedding_origins(channel),
        "strings": {
            "tooLong": _("The message is too long: at most %(max)s characters.")
            % {"max": TEXT_MAX},
            "failed": _("The message could not be sent. Check your connection and try again."),
            "offline": _("Connection lost. Trying again…"),
            "sending": _("Sending…"),
            "fileFailed": _("The file could not be opened. Try again."),
            "fileTooLarge": _("The file is too large; the limit is %(limit)s.")
            % {"limit": filesizeformat(chat_files.MAX_BYTES)},
            "emptyWithFile": _("Write a message or attach a file."),
        },
    }
    response = render(
        request,
        "conversations/webchat/widget.html",
        {
            "channel": channel,
            "config": config,
            "joining": bool(join_url),
            "text_max": TEXT_MAX,
            "accept": chat_files.ACCEPT,
        },
    )
    return frame_policy(no_store(response), channel)


@login_not_required
@require_GET
def webchat(request: HttpRequest, public_key: str) -> HttpResponse:
    channel = live_channel(public_key)
    if channel is None:
        return _unavailable(request, _("This chat is not available."))
    return _widget(request, channel)


@csrf_exempt  # no ambient authority: the invite token in the URL is what the request has
@login_not_required
@require_http_methods(["GET", "POST"])
def webchat_invite(request: HttpRequest, public_key: str, invite_token: str) -> HttpResponse:
    """The link an employee sends a client. The page asks the visitor to open the
    conversation; only that click (a POST) binds a new visitor token to it, so a link
    preview or a mail scanner fetching the link does not use up the invitation."""
    channel = live_channel(public_key)
    if channel is None:
        if request.method == "POST":
            return error(_("This chat is not available."), status=404)
        return _unavailable(request, _("This chat is not available."))
    conversation = Conversation.objects.filter(channel=channel, invite_token=invite_token).first()
    used = _("This invitation link was already used or is not valid.")
    if request.method == "GET":
        if conversation is None or conversation.external_id:
            return _unavailable(request, used, channel)
        join_url = reverse("conversations:webchat_invite", args=[public_key, invite_token])
        return _widget(request, channel, join_url=join_url)

    ok, retry_after = rate_ok("ip", client_ip(request))
    if not ok:
        return too_many(retry_after)
    try:
        stated = stated_token(request, read_payload(request))
    except BodyTooLarge:
        return error(_("The request is too large."), status=413)
    except ValueError:
        stated = ""  # an unreadable stored token: the visitor joins with a new one
    if conversation is None:
        return error(used, status=404)
    if conversation.external_id:
        # Used: only by the visitor who joined (the same browser opening the link again).
        if stated != conversation.external_id:
            return error(used, status=404)
        token = stated
    else:
        # Always a new token: one the browser keeps from an earlier chat belongs to that one.
        token = new_token()
    try:
        services.conversation_join(conversation=conversation, external_id=token)
    except ValidationError:
        return error(used, status=404)
    history = messages_after(conversation)
    mark_delivered(conversation, history)
    messages = [message_json(channel, m) for m in history]
    return no_store(JsonResponse({"token": token, "messages": messages}))


urlpatterns = [
    path("chat/<str:public_key>/", webchat, name="webchat"),
    path(
        "chat/<str:public_key>/messages/",
        webchat_messages.webchat_messages,
        name="webchat_messages",
    ),
    path("chat/<str:public_key>/join/<str:invite_token>/", webchat_invite, name="webchat_invite"),
    path(
        "chat/<str:public_key>/files/<int:pk>/", webchat_messages.webchat_file, name="webchat_file"
    ),
    path("chat/<str:public_key>/embed.js", webchat_embed.webchat_embed, name="webchat_embed"),
    path(
        "chat/<str:public_key>/embed-check/",
        webchat_embed.webchat_embed_check,
        name="webchat_embed_check",
    ),
]
