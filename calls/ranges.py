"""Serving a stored file with HTTP ``Range`` support, so ``<audio>`` can seek and learn the
duration without downloading everything (Django's ``FileResponse`` always sends it whole).

One byte range per request (``bytes=0-99``, ``bytes=100-``, ``bytes=-50``) answers 206 with
``Content-Range``; a range that starts past the end, or a malformed byte range, answers 416
with ``Content-Range: bytes */<size>``; several ranges at once, another unit, or an
``If-Range`` that no longer matches get the whole file (200), which RFC 9110 allows.
"""

import re

from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, quote_etag

CHUNK = 64 * 1024
SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte positions ``header`` asks for, None for the whole file.

    Raises ``Unsatisfiable`` for a byte range this file cannot serve."""
    if not header:
        return None
    unit, _eq, ranges = header.partition("=")
    if unit.strip().lower() != "bytes" or not _eq:
        return None
    specs = ranges.split(",")
    if len(specs) > 1:
        return None  # several ranges: the whole file is a valid answer
    match = SPEC.match(specs[0])
    if not match or match.groups() == ("", ""):
        raise Unsatisfiable
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if end < start or start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def _chunks(storage: Storage, name: str, start: int, length: int):
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data


def ranged_file_response(
    request: HttpRequest,
    storage: Storage,
    name: str,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool = False,
) -> HttpResponse:
    """The stored file ``name``: whole (200), one range of it (206) or 416."""
    size = storage.size(name)
    etag = quote_etag(f"{name}-{size}")
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range and if_range.strip() != etag:
        header = None  # the file changed since the client's partial copy: send it all
    try:
        wanted = parse_range(header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted is not None else (0, size - 1)
    length = max(0, end - start + 1)
    body = [] if request.method == "HEAD" else _chunks(storage, name, start, length)
    response = StreamingHttpResponse(
        body, status=206 if wanted is not None else 200, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Cache-Control"] = "private, max-age=3600"
    return response
