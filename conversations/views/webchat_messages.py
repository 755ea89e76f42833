"""What the widget sends and fetches: a visitor's messages and files, and the shop's replies
(polled). Every request states its visitor's token; see ``webchat.py``."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.webhooks import BodyTooLarge

from .. import files as chat_files
from .. import services
from ..models import TEXT_MAX, Attachment, Channel, Conversation, Message, new_token
from .webchat_common import (
    BODY_MAX,
    TOKEN_RE,
    UPLOAD_BODY_MAX,
    client_ip,
    error,
    live_channel,
    no_store,
    rate_ok,
    read_payload,
    read_upload,
    stated_token,
    text_field,
    too_many,
    visitor_name,
)

HISTORY = 100  # messages a widget gets when it opens
BATCH = 200  # at most this many new messages per poll; the next poll fetches the rest
# Images a visitor's browser may show inline; every other file is a download.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# A served file runs nothing and loads nothing, even if a browser were to render it.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def conversation_for_token(channel: Channel, token: str) -> Conversation | None:
    if not token:
        return None
    return Conversation.objects.filter(channel=channel, external_id=token).first()


def messages_after(conversation: Conversation, after: int = 0) -> list[Message]:
    messages = Message.objects.filter(conversation=conversation).prefetch_related("attachments")
    if after:
        return list(messages.filter(pk__gt=after).order_by("pk")[:BATCH])
    return list(reversed(messages.order_by("-pk")[:HISTORY]))


def mark_delivered(conversation: Conversation, messages: list[Message]) -> None:
    """The visitor's widget fetched these: the shop's messages among them are delivered."""
    waiting = [
        message
        for message in messages
        if message.direction == Message.Direction.OUTGOING
        and message.delivery in (Message.Delivery.PENDING, Message.Delivery.SENT)
    ]
    if waiting:
        services.messages_mark_delivered(
            conversation=conversation, message_ids=[m.pk for m in waiting]
        )


def message_json(channel: Channel, message: Message) -> dict:
    # File URLs carry no token: the widget fetches them with the X-Chat-Token header.
    files = [
        {
            "name": attachment.name,
            "size": attachment.size,
            "image": attachment.content_type in INLINE_TYPES,
            "url": reverse("conversations:webchat_file", args=[channel.public_key, attachment.pk]),
        }
        for attachment in message.attachments.all()
    ]
    return {
        "id": message.pk,
        "mine": message.direction == Message.Direction.INCOMING,
        "text": message.text,
        "time": message.created_at.isoformat(),
        "files": files,
    }


@csrf_exempt  # no ambient authority: only the token the request states (see the docstring)
@login_not_required
@require_http_methods(["GET", "POST"])
def webchat_messages(request: HttpRequest, public_key: str) -> HttpResponse:
    channel = live_channel(public_key)
    if channel is None:
        return error(_("This chat is not available."), status=404)
    if request.method == "POST":
        return _receive(request, channel)

    ok, retry_after = rate_ok("read", client_ip(request))
    if not ok:
        return too_many(retry_after)
    try:
        token = stated_token(request)
        after = int(request.GET.get("after") or 0)
        if after < 0:
            raise ValueError(after)
    except ValueError:
        return error(_("The request could not be read."))
    output = request.GET.get("format") or "json"
    if output not in ("json", "html"):
        return error(_("The request could not be read."))
    conversation = conversation_for_token(channel, token)
    messages = messages_after(conversation, after) if conversation is not None else []
    if conversation is not None:
        mark_delivered(conversation, messages)
    if output == "html":
        html = render_to_string(
            "conversations/webchat/messages.html",
            {"messages": messages, "channel": channel},
            request,
        )
        return no_store(HttpResponse(html, content_type="text/html; charset=utf-8"))
    return no_store(JsonResponse({"messages": [message_json(channel, m) for m in messages]}))


def _receive(request: HttpRequest, channel: Channel) -> HttpResponse:
    """A visitor's message. The first one (no token, or one we do not know) starts a
    conversation under a new token, which the answer carries."""
    ok, retry_after = rate_ok("ip", client_ip(request))
    if not ok:
        return too_many(retry_after)
    with_file = request.content_type == "multipart/form-data"
    if with_file:
        ok, retry_after = rate_ok("file", client_ip(request))
        if not ok:
            return too_many(retry_after)
    try:
        data = read_payload(request, UPLOAD_BODY_MAX if with_file else BODY_MAX)
        text = text_field(data, "text")
        name = visitor_name(data)
        stated = stated_token(request, data)
        upload = read_upload(request)
    except BodyTooLarge:
        if with_file:
            message = _("The file is too large; the limit is %(limit)s.") % {
                "limit": filesizeformat(chat_files.MAX_BYTES)
            }
        else:
            message = _("The message is too long: at most %(max)s characters.") % {"max": TEXT_MAX}
        return error(message, status=413)
    except ValueError as exc:
        return error(str(exc))
    if not text.strip() and upload is None:
        if with_file:
            return error(_("Write a message or attach a file."))
        return error(_("Write a message."))

    conversation = conversation_for_token(channel, stated)
    if conversation is not None:
        ok, retry_after = rate_ok("token", stated)
        token = stated
    else:
        ok, retry_after = rate_ok("new", client_ip(request))
        token = new_token()
    if not ok:
        return too_many(retry_after)
    try:
        with transaction.atomic():
            if conversation is None:
                conversation = services.conversation_for_contact(
                    channel=channel, external_id=token, name=name
                )
            message = services.message_receive(
                conversation=conversation, text=text, files=[upload] if upload else []
            )
    except ValidationError as exc:
        return error(" ".join(exc.messages))
    return no_store(
        JsonResponse(
            {"token": token, "message": message_json(channel, message)},
            status=201,
        )
    )


@login_not_required
@require_GET
def webchat_file(request: HttpRequest, public_key: str, pk: int) -> HttpResponse:
    """A file an employee sent the visitor: only with the token of its conversation, in the
    ``X-Chat-Token`` header (the widget fetches it and shows it from memory), never in the
    URL, where proxies and browser history would keep it."""
    channel = live_channel(public_key)
    if channel is None:
        raise Http404
    ok, retry_after = rate_ok("read", client_ip(request))
    if not ok:
        return too_many(retry_after)
    token = request.headers.get("X-Chat-Token") or ""
    if not TOKEN_RE.match(token):
        raise Http404
    attachment = (
        Attachment.objects.filter(
            pk=pk,
            message__conversation__channel=channel,
            message__conversation__external_id=token,
        )
        .only("file", "name", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404
    storage = attachment.file.storage
    if not attachment.file.name or not storage.exists(attachment.file.name):
        raise Http404  # the row outlived its file (a lost volume, a restore without media)
    try:
        handle = storage.open(attachment.file.name, "rb")
    except FileNotFoundError:  # removed between the two calls
        raise Http404 from None
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)
