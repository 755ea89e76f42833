"""Downloading a call's recording in the background, into media storage.

Retried on network errors and 5xx answers (with back-off), after ``Retry-After`` on 429;
given up on any other 4xx, on a file over ``OFICINA_CALLS_RECORDING_MAX_BYTES`` (reading
stops as soon as it is over), and on anything that is not audio by its Content-Type *and*
its first bytes. Twilio recordings are fetched as .mp3 with the account's credentials.
"""

import base64
import tempfile
import urllib.error
import urllib.request
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from jobs import GiveUp, Retry, background_task

from . import services
from .audio import AUDIO_TYPES, MAGIC_BYTES, media_type, sniff
from .models import Call

CHUNK = 64 * 1024
TWILIO = "twilio"


class _NoRedirectAuth(urllib.request.HTTPRedirectHandler):
    """Follow redirects (Twilio answers with one to the media host) without carrying our
    Authorization header to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


_opener = urllib.request.build_opener(_NoRedirectAuth)


def _request_for(call: Call) -> urllib.request.Request:
    url = call.recording_url
    if urlsplit(url).scheme not in ("http", "https"):
        raise GiveUp(f"not an http(s) URL: {url[:100]}")
    headers = {"User-Agent": "Oficina recordings", "Accept": "audio/*"}
    if call.provider == TWILIO:
        # Twilio serves the recording as .mp3 or .wav when the extension is appended.
        path = urlsplit(url).path
        if not path.endswith((".mp3", ".wav")):
            url = url + ".mp3"
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        if sid and token:
            credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
            headers["Authorization"] = f"Basic {credentials}"
    return urllib.request.Request(url, headers=headers)  # noqa: S310  (http/https checked above)


def _retry_after(value: str | None) -> float:
    try:
        return max(1.0, min(3600.0, float(value or 60)))
    except ValueError:
        return 60.0


def download(call: Call, into: IO[bytes]) -> None:
    """Write the recording into ``into``, checked; raises ``Retry`` / ``GiveUp`` / a
    network error."""
    limit = settings.OFICINA_CALLS_RECORDING_MAX_BYTES
    try:
        response = _opener.open(
            _request_for(call), timeout=settings.OFICINA_CALLS_RECORDING_TIMEOUT
        )
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 429:
            raise Retry(after=_retry_after(exc.headers.get("Retry-After")), reason="429") from None
        if 400 <= exc.code < 500:
            raise GiveUp(f"HTTP {exc.code} {exc.reason}") from None
        raise  # 5xx: worth another try
    with response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise GiveUp(f"the recording is {declared} bytes, over the {limit} byte limit")
        kind = media_type(response.headers.get("Content-Type"))
        if kind not in AUDIO_TYPES:
            raise GiveUp(f"not audio: Content-Type {kind or 'missing'}")
        size, head = 0, b""
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise GiveUp(f"the recording is over the {limit} byte limit")
            if len(head) < MAGIC_BYTES:
                head += chunk[: MAGIC_BYTES - len(head)]
            into.write(chunk)
    if sniff(head) is None:
        raise GiveUp(f"not audio: served as {kind}, but the file is not WAV, MP3, OGG or M4A")
    into.seek(0)


def _gave_up(call_id: int, *, error: str) -> None:
    services.call_recording_failed(call_id=call_id, error=error)


@background_task(max_attempts=5, backoff=30, on_give_up=_gave_up)
def call_recording_fetch(call_id: int) -> None:
    """Download call ``call_id``'s recording into media storage (once; a stored one stays)."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.recording_state != Call.RecordingState.PENDING:
        return
    if not call.recording_url:
        raise GiveUp(_("The call has no recording URL."))
    # Kept in memory up to 1 MiB, then in a temporary file: a 50 MiB recording never sits
    # in the worker's memory.
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        download(call, spool)
        services.call_recording_attach(call=call, content=spool)
