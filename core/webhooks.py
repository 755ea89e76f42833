"""Checks shared by the inbound webhooks (SMS delivery reports, call events, …).

Two signing schemes are in use:

* the generic one: ``X-Signature`` carries the hex HMAC-SHA256 of the raw request body under
  a shared secret (``verify_hmac_sha256``);
* Twilio's: ``X-Twilio-Signature`` carries base64(HMAC-SHA1(auth token, full URL followed by
  the POST parameters sorted by name, each as name + value)) (``twilio_signature`` /
  ``verify_twilio``).

Twilio signs the URL *it* called, which behind a proxy is not what Django sees:
``public_url`` rebuilds it from ``OFICINA_PUBLIC_URL`` when that is set. Bodies are read with
``read_limited_body`` so a huge request is refused before it is held in memory.
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from io import BytesIO
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest


class BodyTooLarge(Exception):
    """The request body is longer than the webhook accepts."""


def verify_hmac_sha256(secret: str, body: bytes, signature_header: str) -> bool:
    """True when ``signature_header`` is the hex HMAC-SHA256 of ``body`` under ``secret``.

    An empty secret never verifies: an unconfigured webhook accepts nothing. A ``sha256=``
    prefix (GitHub style) is tolerated."""
    if not secret or not signature_header:
        return False
    given = signature_header.strip()
    if given.lower().startswith("sha256="):
        given = given[7:]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.lower().encode())


def _pairs(params: Mapping | Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """(name, value) pairs of a dict, a QueryDict (every value of a repeated name) or a list."""
    if not params:
        return []
    if hasattr(params, "lists"):  # QueryDict / MultiValueDict
        return [(k, v) for k, values in params.lists() for v in values]
    if isinstance(params, Mapping):
        pairs = []
        for key, value in params.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, v) for v in values)
        return pairs
    return [(k, v) for k, v in params]


def twilio_signature(auth_token: str, url: str, params: Mapping | list[tuple] | None) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for a POST of ``params`` to ``url``.

    Names sorted; a name sent several times contributes each distinct value, sorted — the
    same as Twilio's own ``RequestValidator``."""
    by_name: dict[str, set[str]] = {}
    for key, value in _pairs(params):
        by_name.setdefault(str(key), set()).add(str(value))
    data = url + "".join(
        name + value for name in sorted(by_name) for value in sorted(by_name[name])
    )
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """``url`` as given, without its default port and with it: Twilio may sign either."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    if default is None or not parts.hostname:
        return [url]
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    without = urlunsplit(parts._replace(netloc=f"{prefix}{host}"))
    port = parts.port or default
    with_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}:{port}"))
    return list(dict.fromkeys([url, without, with_port]))


def verify_twilio(
    auth_token: str, url: str, params: Mapping | list[tuple] | None, signature: str
) -> bool:
    """True when ``signature`` is Twilio's signature of this request (constant-time)."""
    if not auth_token or not signature:
        return False
    given = signature.strip()
    ok = False
    for candidate in _url_variants(url):
        # Compare every variant, so timing does not tell which one matched.
        expected = twilio_signature(auth_token, candidate, params)
        ok |= hmac.compare_digest(expected.encode(), given.encode())
    return ok


def public_url(request: HttpRequest) -> str:
    """The full URL the caller used: ``OFICINA_PUBLIC_URL`` + path (+ query) when set, else
    Django's view of it (``build_absolute_uri``)."""
    base = (getattr(settings, "OFICINA_PUBLIC_URL", "") or "").rstrip("/")
    if not base:
        return request.build_absolute_uri()
    return base + request.get_full_path()


def read_limited_body(request: HttpRequest, limit: int) -> bytes:
    """The raw body, refusing (``BodyTooLarge``) anything longer than ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused without reading; otherwise at most
    ``limit + 1`` bytes are read, so a lying or chunked sender cannot make us buffer more."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge(f"body of {declared} bytes is over the {limit} byte limit")
    if getattr(request, "_body", None) is not None:  # already read by Django
        body = request._body
    else:
        body = request.read(limit + 1)
        # Keep it where request.body / request.POST look for it.
        request._body = body
        request._stream = BytesIO(body)
    if len(body) > limit:
        raise BodyTooLarge(f"body is over the {limit} byte limit")
    return body
