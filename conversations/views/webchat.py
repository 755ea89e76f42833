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
"""

import hashlib
import json
import re
import time
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.jsontext import loads_strict
from core.webhooks import BodyTooLarge, read_limited_body

from .. import files as chat_files
from .. import services
from ..models import (
    NAME_MAX,
    TEXT_MAX,
    Attachment,
    Channel,
    Conversation,
    Message,
    new_token,
    origin_normalize,
)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
BODY_MAX = 32 * 1024  # a 4,096-character message as JSON, escaped, fits many times over
# A message with a file: the file's limit plus room for the text, the name and the boundaries.
UPLOAD_BODY_MAX = chat_files.MAX_BYTES + 64 * 1024
HISTORY = 100  # messages a widget gets when it opens
BATCH = 200  # at most this many new messages per poll; the next poll fetches the rest
POLL_MS = 2500
# Images a visitor's browser may show inline; every other file is a download.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# A served file runs nothing and loads nothing, even if a browser were to render it.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# Characters a name may not hold: controls (NUL, line breaks, …), lone surrogates, line and
# paragraph separators, and the direction overrides that make text show in another order.
NAME_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# (requests, seconds): overridable in settings, e.g. OFICINA_WEBCHAT_RATE_TOKEN = (20, 60).
RATE_DEFAULTS = {
    "token": (20, 60),  # messages per visitor
    "ip": (60, 60),  # messages (and invite joins) per IP address
    "new": (10, 3600),  # new conversations per IP address
    "read": (300, 60),  # polls and file downloads per IP address
    "file": (20, 3600),  # files sent per IP address
}


def absolute_url(request: HttpRequest, path: str) -> str:
    """``path`` as a full URL: under ``OFICINA_PUBLIC_URL`` when set (behind a proxy),
    else on the host this request came to."""
    base = (settings.OFICINA_PUBLIC_URL or "").rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind ``OFICINA_TRUSTED_PROXIES`` reverse proxies it is the
    address the outermost of them saw (each proxy appends to X-Forwarded-For); the rest of
    that header is written by the visitor and not trusted."""
    proxies = settings.OFICINA_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_ok(scope: str, who: str) -> tuple[bool, int]:
    """Count one request by ``who`` in ``scope``; (within the limit, seconds until the
    window ends). A fixed window in the shared cache, so several processes count together."""
    limit, window = getattr(settings, f"OFICINA_WEBCHAT_RATE_{scope.upper()}", RATE_DEFAULTS[scope])
    now = int(time.time())
    slot = now // window
    # Hashed: a visitor's token is a secret and must not appear as a cache key.
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    key = f"webchat:rate:{scope}:{digest}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit, (slot + 1) * window - now


def _error(message: str, status: int = 400, **headers) -> JsonResponse:
    response = JsonResponse({"error": str(message)}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _too_many(retry_after: int) -> JsonResponse:
    return _error(
        _("Too many messages. Wait a minute and try again."),
        status=429,
        **{"Retry-After": str(max(retry_after, 1))},
    )


def _live_channel(public_key: str) -> Channel | None:
    return (
        Channel.objects.live()
        .filter(kind=Channel.Kind.WEBCHAT, public_key=public_key)
        .only("pk", "name", "public_key", "kind", "deleted_at", "allowed_origins")
        .first()
    )


def _embedding_origins(channel: Channel) -> list[str]:
    """The channel's sites allowed to frame the widget, each as a browser writes its origin
    (a stored value that is not is left out, never put in a header as it is)."""
    origins = []
    for value in channel.allowed_origins if isinstance(channel.allowed_origins, list) else []:
        try:
            origin = origin_normalize(value)
        except ValidationError:
            continue
        if origin == value and origin not in origins:
            origins.append(origin)
    return origins


def _frame_policy(response: HttpResponse, channel: Channel | None) -> HttpResponse:
    """Who may show this page in a frame: Oficina itself and the channel's listed sites.
    X-Frame-Options says the same for browsers that know only it (SAMEORIGIN with no site
    listed; absent otherwise, as it cannot name other sites)."""
    origins = _embedding_origins(channel) if channel is not None else []
    response["Content-Security-Policy"] = " ".join(["frame-ancestors", "'self'", *origins])
    if origins:
        response.xframe_options_exempt = True
    else:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


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
    return _frame_policy(response, channel)


def _token(request: HttpRequest, data: dict | None = None) -> str:
    """The token the request states ("" when none); ``ValueError`` when it is malformed."""
    token = (
        request.headers.get("X-Chat-Token")
        or (data or {}).get("token")
        or request.GET.get("token")
        or ""
    )
    if token and not (isinstance(token, str) and TOKEN_RE.match(token)):
        raise ValueError(_("The request could not be read."))
    return token


def _conversation(channel: Channel, token: str) -> Conversation | None:
    if not token:
        return None
    return Conversation.objects.filter(channel=channel, external_id=token).first()


def _messages(conversation: Conversation, after: int = 0) -> list[Message]:
    messages = Message.objects.filter(conversation=conversation).prefetch_related("attachments")
    if after:
        return list(messages.filter(pk__gt=after).order_by("pk")[:BATCH])
    return list(reversed(messages.order_by("-pk")[:HISTORY]))


def _mark_delivered(conversation: Conversation, messages: list[Message]) -> None:
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


def _message_json(channel: Channel, message: Message) -> dict:
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


def _payload(request: HttpRequest, limit: int = BODY_MAX) -> dict:
    """The POSTed fields, from JSON or a form; ``ValueError`` with a message when unreadable,
    ``BodyTooLarge`` when over ``limit`` bytes."""
    body = read_limited_body(request, limit)
    if request.content_type == "application/json":
        try:
            data = loads_strict(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, ValueError):
            raise ValueError(_("The request could not be read.")) from None
        if not isinstance(data, dict):
            raise ValueError(_("The request could not be read."))
        return data
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        try:
            return {key: request.POST.get(key) for key in request.POST}
        except (MultiPartParserError, SuspiciousOperation):
            raise ValueError(_("The request could not be read.")) from None
    raise ValueError(_("The request could not be read."))


def _upload(request: HttpRequest) -> services.IncomingFile | None:
    """The one file a visitor sent with the message, checked by its content (the same rules
    as an employee's files); ``ValueError`` with a message when it is refused."""
    if request.content_type != "multipart/form-data":
        return None
    sent = [upload for key in request.FILES for upload in request.FILES.getlist(key)]
    if not sent:
        return None
    if len(sent) > 1 or "file" not in request.FILES:
        raise ValueError(_("Send one file at a time."))
    try:
        return chat_files.check_upload(sent[0])
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


def _text_field(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("The message must be text."))
    return value


def _visitor_name(data: dict) -> str:
    """The name a visitor gave (optional); ``ValueError`` with a message when it is too long
    or holds a character a name never has (a NUL byte would not even reach the database)."""
    name = _text_field(data, "name").strip()
    if len(name) > NAME_MAX:
        raise ValueError(_("The name is too long: at most %(max)s characters.") % {"max": NAME_MAX})
    for char in name:
        if unicodedata.category(char) in NAME_REFUSED_CATEGORIES or char in BIDI_CONTROLS:
            raise ValueError(
                _("The name contains a character that is not allowed. Use letters and spaces.")
            )
    return name


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


# --- Pages ------------------------------------------------------------------------------------


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
        "allowedOrigins": _embedding_origins(channel),
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
    return _frame_policy(_no_store(response), channel)


@login_not_required
@require_GET
def webchat(request: HttpRequest, public_key: str) -> HttpResponse:
    channel = _live_channel(public_key)
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
    channel = _live_channel(public_key)
    if channel is None:
        if request.method == "POST":
            return _error(_("This chat is not available."), status=404)
        return _unavailable(request, _("This chat is not available."))
    conversation = Conversation.objects.filter(channel=channel, invite_token=invite_token).first()
    used = _("This invitation link was already used or is not valid.")
    if request.method == "GET":
        if conversation is None or conversation.external_id:
            return _unavailable(request, used, channel)
        join_url = reverse("conversations:webchat_invite", args=[public_key, invite_token])
        return _widget(request, channel, join_url=join_url)

    ok, retry_after = _rate_ok("ip", client_ip(request))
    if not ok:
        return _too_many(retry_after)
    try:
        stated = _token(request, _payload(request))
    except BodyTooLarge:
        return _error(_("The request is too large."), status=413)
    except ValueError:
        stated = ""  # an unreadable stored token: the visitor joins with a new one
    if conversation is None:
        return _error(used, status=404)
    if conversation.external_id:
        # Used: only by the visitor who joined (the same browser opening the link again).
        if stated != conversation.external_id:
            return _error(used, status=404)
        token = stated
    else:
        # Always a new token: one the browser keeps from an earlier chat belongs to that one.
        token = new_token()
    try:
        services.conversation_join(conversation=conversation, external_id=token)
    except ValidationError:
        return _error(used, status=404)
    history = _messages(conversation)
    _mark_delivered(conversation, history)
    messages = [_message_json(channel, m) for m in history]
    return _no_store(JsonResponse({"token": token, "messages": messages}))


# --- Messages ---------------------------------------------------------------------------------


@csrf_exempt  # no ambient authority: only the token the request states (see the docstring)
@login_not_required
@require_http_methods(["GET", "POST"])
def webchat_messages(request: HttpRequest, public_key: str) -> HttpResponse:
    channel = _live_channel(public_key)
    if channel is None:
        return _error(_("This chat is not available."), status=404)
    if request.method == "POST":
        return _receive(request, channel)

    ok, retry_after = _rate_ok("read", client_ip(request))
    if not ok:
        return _too_many(retry_after)
    try:
        token = _token(request)
        after = int(request.GET.get("after") or 0)
        if after < 0:
            raise ValueError(after)
    except ValueError:
        return _error(_("The request could not be read."))
    output = request.GET.get("format") or "json"
    if output not in ("json", "html"):
        return _error(_("The request could not be read."))
    conversation = _conversation(channel, token)
    messages = _messages(conversation, after) if conversation is not None else []
    if conversation is not None:
        _mark_delivered(conversation, messages)
    if output == "html":
        html = render_to_string(
            "conversations/webchat/messages.html",
            {"messages": messages, "channel": channel},
            request,
        )
        return _no_store(HttpResponse(html, content_type="text/html; charset=utf-8"))
    return _no_store(JsonResponse({"messages": [_message_json(channel, m) for m in messages]}))


def _receive(request: HttpRequest, channel: Channel) -> HttpResponse:
    """A visitor's message. The first one (no token, or one we do not know) starts a
    conversation under a new token, which the answer carries."""
    ok, retry_after = _rate_ok("ip", client_ip(request))
    if not ok:
        return _too_many(retry_after)
    with_file = request.content_type == "multipart/form-data"
    if with_file:
        ok, retry_after = _rate_ok("file", client_ip(request))
        if not ok:
            return _too_many(retry_after)
    try:
        data = _payload(request, UPLOAD_BODY_MAX if with_file else BODY_MAX)
        text = _text_field(data, "text")
        name = _visitor_name(data)
        stated = _token(request, data)
        upload = _upload(request)
    except BodyTooLarge:
        if with_file:
            message = _("The file is too large; the limit is %(limit)s.") % {
                "limit": filesizeformat(chat_files.MAX_BYTES)
            }
        else:
            message = _("The message is too long: at most %(max)s characters.") % {"max": TEXT_MAX}
        return _error(message, status=413)
    except ValueError as exc:
        return _error(str(exc))
    if not text.strip() and upload is None:
        if with_file:
            return _error(_("Write a message or attach a file."))
        return _error(_("Write a message."))

    conversation = _conversation(channel, stated)
    if conversation is not None:
        ok, retry_after = _rate_ok("token", stated)
        token = stated
    else:
        ok, retry_after = _rate_ok("new", client_ip(request))
        token = new_token()
    if not ok:
        return _too_many(retry_after)
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
        return _error(" ".join(exc.messages))
    return _no_store(
        JsonResponse(
            {"token": token, "message": _message_json(channel, message)},
            status=201,
        )
    )


@login_not_required
@require_GET
def webchat_file(request: HttpRequest, public_key: str, pk: int) -> HttpResponse:
    """A file an employee sent the visitor: only with the token of its conversation, in the
    ``X-Chat-Token`` header (the widget fetches it and shows it from memory), never in the
    URL, where proxies and browser history would keep it."""
    channel = _live_channel(public_key)
    if channel is None:
        raise Http404
    ok, retry_after = _rate_ok("read", client_ip(request))
    if not ok:
        return _too_many(retry_after)
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
    return _no_store(response)


# --- The script a shop puts on its site -------------------------------------------------------


@login_not_required
@require_GET
def webchat_embed(request: HttpRequest, public_key: str) -> HttpResponse:
    """``<script src=".../embed.js" async></script>``: adds a chat button to the page that
    opens the widget in an iframe."""
    channel = _live_channel(public_key)
    if channel is None:
        response = HttpResponse(
            "/* This chat is not available. */\n",
            status=404,
            content_type="text/javascript; charset=utf-8",
        )
        return _no_store(response)
    widget_url = absolute_url(request, reverse("conversations:webchat", args=[public_key]))
    config = {
        "key": public_key,
        "widgetUrl": widget_url,
        "origin": "{0.scheme}://{0.netloc}".format(urlsplit(widget_url)),
        "title": channel.name,
        "open": _("Chat with us"),
        "close": _("Close the chat"),
        "unread": _("New message"),
    }
    body = render_to_string(
        "conversations/webchat/embed.js", {"config": json.dumps(config)}, request
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Short: a deleted channel's button disappears from the shop's site within minutes.
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Accept-Language"])
    return response


urlpatterns = [
    path("chat/<str:public_key>/", webchat, name="webchat"),
    path("chat/<str:public_key>/messages/", webchat_messages, name="webchat_messages"),
    path("chat/<str:public_key>/join/<str:invite_token>/", webchat_invite, name="webchat_invite"),
    path("chat/<str:public_key>/files/<int:pk>/", webchat_file, name="webchat_file"),
    path("chat/<str:public_key>/embed.js", webchat_embed, name="webchat_embed"),
]
