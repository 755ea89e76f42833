"""A small client for Telegram's Bot API (https://core.telegram.org/bots/api).

Every method is ``POST {OFICINA_TELEGRAM_API_BASE_URL}/bot<token>/<method>`` with a JSON
body, or ``multipart/form-data`` when a file goes along. Every answer is JSON: ``{"ok": true,
"result": …}`` or ``{"ok": false, "error_code": 400, "description": "Bad Request: chat not
found", "parameters": {"retry_after": 5}}``. Files a user sent are fetched from
``{base}/file/bot<token>/<file_path>`` (``file_path`` comes from ``getFile``).

The bot token is part of every URL, so no URL leaves this module: an error carries Telegram's
description or the network's reason, passed through ``redact``, never the address.
"""

import json
import re
import secrets
from dataclasses import dataclass
from typing import IO
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings

# What @BotFather hands out: the bot's numeric id, a colon, then 35 letters, digits, - or _.
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{30,100}")
_TOKEN_IN_TEXT = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,}")
_BOT_IN_PATH = re.compile(r"/bot[^/\s]*")
MAX_ANSWER = 1024 * 1024  # bytes of JSON read from one answer
CHUNK = 64 * 1024
DEFAULT_RETRY_AFTER = 5.0


def redact(text: str) -> str:
    """``text`` without anything that looks like a bot token (or the /bot<token> part of a
    Bot API URL)."""
    text = _BOT_IN_PATH.sub("/bot<token>", str(text))
    return _TOKEN_IN_TEXT.sub("<token>", text)


def valid_token(token: str) -> bool:
    return bool(TOKEN_RE.fullmatch(token or ""))


class TelegramError(Exception):
    """Telegram answered, and refused the request (``"ok": false`` or an HTTP error)."""

    def __init__(self, status: int, description: str, retry_after: float | None = None) -> None:
        self.status = status
        self.description = redact(description)[:500] or f"HTTP {status}"
        self.retry_after = retry_after
        super().__init__(self.description)

    @property
    def temporary(self) -> bool:
        """Worth trying again later: too many requests, or Telegram's own trouble."""
        return self.status == 429 or self.status >= 500


class TelegramUnreachable(Exception):
    """No usable answer: a network error, a timeout, or something that is not the Bot API."""

    def __init__(self, reason: str) -> None:
        super().__init__(redact(reason)[:500])


class FileTooLarge(Exception):
    """The file is longer than the limit; reading stopped there."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"over the {limit} byte limit")


@dataclass(frozen=True)
class Upload:
    """A file sent along with a method call (``sendPhoto``'s ``photo``, ``sendDocument``'s
    ``document``)."""

    field: str
    name: str
    content_type: str
    content: bytes


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw[:MAX_ANSWER] or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _retry_after(data: dict) -> float | None:
    parameters = data.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(3600.0, max(0.0, float(value)))


def _form_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _quoted(name: str) -> str:
    # A file name inside Content-Disposition: no quotes, backslashes or line breaks.
    cleaned = "".join(ch for ch in name if ch not in '"\\\r\n' and ord(ch) >= 32)
    return cleaned.strip() or "file"


def multipart(fields: dict, upload: Upload) -> tuple[bytes, str]:
    """``fields`` and ``upload`` as a multipart/form-data body and its Content-Type."""
    boundary = "oficina-" + secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        if value is None:
            continue
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + _form_value(value).encode()
            + b"\r\n"
        )
    parts.append(
        (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{upload.field}"; filename="{_quoted(upload.name)}"\r\n'
            f"Content-Type: {upload.content_type}\r\n\r\n"
        ).encode()
        + upload.content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class BotAPI:
    """One bot's side of the Bot API. Raises ``TelegramError`` when Telegram refuses and
    ``TelegramUnreachable`` when it cannot be asked."""

    def __init__(self, token: str, *, base_url: str | None = None, timeout: float | None = None):
        self._token = token
        self._base = (base_url or settings.OFICINA_TELEGRAM_API_BASE_URL).rstrip("/")
        self._timeout = timeout or settings.OFICINA_TELEGRAM_TIMEOUT

    def __repr__(self) -> str:
        return f"<BotAPI bot {self._token.split(':', 1)[0]}>"

    def call(self, method: str, params: dict | None = None, *, upload: Upload | None = None):
        """Call ``method``; its ``result``."""
        if upload is not None:
            body, content_type = multipart(params or {}, upload)
        else:
            body = json.dumps(params or {}, ensure_ascii=False).encode()
            content_type = "application/json"
        request = Request(  # noqa: S310  (our own setting, http(s))
            f"{self._base}/bot{self._token}/{method}",
            data=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            method="POST",
        )
        data = self._answer(request)
        if data.get("ok") is not True:
            status = data.get("error_code")
            raise TelegramError(
                status if isinstance(status, int) and not isinstance(status, bool) else 500,
                str(data.get("description") or "Telegram refused the request"),
                _retry_after(data),
            )
        return data.get("result")

    def _open(self, request: Request):
        try:
            return urlopen(request, timeout=self._timeout)  # noqa: S310
        except HTTPError as exc:
            try:
                data = _json(exc.read(MAX_ANSWER + 1))
            except OSError:
                data = {}
            finally:
                exc.close()
            description = str(data.get("description") or exc.reason or "")
            raise TelegramError(exc.code, description, _retry_after(data)) from None
        except (URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc) or type(exc).__name__)
            raise TelegramUnreachable(reason) from None

    def _answer(self, request: Request) -> dict:
        answer = self._open(request)
        try:
            with answer:
                raw = answer.read(MAX_ANSWER + 1)
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise TelegramUnreachable(str(exc) or type(exc).__name__) from None
        data = _json(raw)
        if not data:
            raise TelegramUnreachable("the answer is not the Bot API's JSON")
        return data

    def download(self, file_path: str, into: IO[bytes], *, limit: int) -> int:
        """Write the file at ``file_path`` (from ``getFile``) into ``into``; its size.
        Raises ``FileTooLarge`` as soon as more than ``limit`` bytes arrive."""
        if not file_path or file_path.startswith("/") or ".." in file_path.split("/"):
            raise TelegramError(400, "Bad Request: invalid file path")
        request = Request(  # noqa: S310  (our own setting, http(s))
            f"{self._base}/file/bot{self._token}/{quote(file_path, safe='/')}",
            headers={"Accept": "*/*"},
        )
        answer = self._open(request)
        size = 0
        try:
            with answer:
                declared = answer.headers.get("Content-Length") or ""
                if declared.isdigit() and int(declared) > limit:
                    raise FileTooLarge(limit)
                while chunk := answer.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise FileTooLarge(limit)
                    into.write(chunk)
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise TelegramUnreachable(str(exc) or type(exc).__name__) from None
        return size

    # The methods Oficina uses.

    def get_me(self) -> dict:
        result = self.call("getMe")
        return result if isinstance(result, dict) else {}

    def set_webhook(self, *, url: str, secret_token: str, allowed_updates: list[str]) -> None:
        self.call(
            "setWebhook",
            {"url": url, "secret_token": secret_token, "allowed_updates": allowed_updates},
        )

    def delete_webhook(self) -> None:
        self.call("deleteWebhook")

    def get_file(self, file_id: str) -> dict:
        result = self.call("getFile", {"file_id": file_id})
        return result if isinstance(result, dict) else {}
