"""What the web chat's views share: the channel a public key names, the visitor's token and
address, rate limits, the frame policy, and reading what a visitor posts.

See ``conversations/views/webchat.py`` for how the widget works without cookies.
"""

import hashlib
import re
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from core.jsontext import loads_strict
from core.webhooks import read_limited_body

from .. import files as chat_files
from .. import services
from ..models import NAME_MAX, Channel, origin_normalize

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
BODY_MAX = 32 * 1024  # a 4,096-character message as JSON, escaped, fits many times over
# A message with a file: the file's limit plus room for the text, the name and the boundaries.
UPLOAD_BODY_MAX = chat_files.MAX_BYTES + 64 * 1024
# Characters a name may not hold: controls (NUL, line breaks, …), lone surrogates, line and
# paragraph separators, and the direction overrides that make text show in another order.
NAME_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Rate limits, as (requests, seconds): settings OFICINA_WEBCHAT_RATE_TOKEN, _IP, _NEW, _READ and
# _FILE (config/settings/base.py, from the environment). Scopes: "token" messages per visitor,
# "ip" messages (and invite joins) per address, "new" new conversations per address, "read"
# polls and file downloads per address, "file" files sent per address.
RATE_SCOPES = ("token", "ip", "new", "read", "file")


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


def rate_ok(scope: str, who: str) -> tuple[bool, int]:
    """Count one request by ``who`` in ``scope``; (within the limit, seconds until the
    window ends). A fixed window in the shared cache, so several processes count together."""
    limit, window = getattr(settings, f"OFICINA_WEBCHAT_RATE_{scope.upper()}")
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


def error(message: str, status: int = 400, **headers) -> JsonResponse:
    response = JsonResponse({"error": str(message)}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def too_many(retry_after: int) -> JsonResponse:
    return error(
        _("Too many messages. Wait a minute and try again."),
        status=429,
        **{"Retry-After": str(max(retry_after, 1))},
    )


def live_channel(public_key: str) -> Channel | None:
    return (
        Channel.objects.live()
        .filter(kind=Channel.Kind.WEBCHAT, public_key=public_key)
        .only("pk", "name", "public_key", "kind", "deleted_at", "allowed_origins")
        .first()
    )


def embedding_origins(channel: Channel) -> list[str]:
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


def frame_policy(response: HttpResponse, channel: Channel | None) -> HttpResponse:
    """Who may show this page in a frame: Oficina itself and the channel's listed sites.
    X-Frame-Options says the same for browsers that know only it (SAMEORIGIN with no site
    listed; absent otherwise, as it cannot name other sites)."""
    origins = embedding_origins(channel) if channel is not None else []
    response["Content-Security-Policy"] = " ".join(["frame-ancestors", "'self'", *origins])
    if origins:
        response.xframe_options_exempt = True
    else:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def stated_token(request: HttpRequest, data: dict | None = None) -> str:
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


def read_payload(request: HttpRequest, limit: int = BODY_MAX) -> dict:
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


def read_upload(request: HttpRequest) -> services.IncomingFile | None:
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


def text_field(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("The message must be text."))
    return value


def visitor_name(data: dict) -> str:
    """The name a visitor gave (optional); ``ValueError`` with a message when it is too long
    or holds a character a name never has (a NUL byte would not even reach the database)."""
    name = text_field(data, "name").strip()
    if len(name) > NAME_MAX:
        raise ValueError(_("The name is too long: at most %(max)s characters.") % {"max": NAME_MAX})
    for char in name:
        if unicodedata.category(char) in NAME_REFUSED_CATEGORIES or char in BIDI_CONTROLS:
            raise ValueError(
                _("The name contains a character that is not allowed. Use letters and spaces.")
            )
    return name


def no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response
