"""File downloads streamed chunk by chunk under the ASGI server.

Django serves a streaming response (``FileResponse``, ``StreamingHttpResponse``) whose content
is a plain iterator to an ASGI server by reading *all* of it into a list first
(``StreamingHttpResponse.__aiter__``): a 50 MB call recording would sit whole in memory,
per request, before its first byte left, and an ``<audio>`` element asking for
``Range: bytes=0-`` would wait for all of it. ``AsyncStreamingMiddleware`` gives such a
response an asynchronous iterator instead, which reads the same chunks in a worker thread,
``BATCH_BYTES`` at a time, so memory stays flat and the first bytes leave at once.

Under WSGI (the test client, ``runserver``) nothing changes: a synchronous iterator is what
WSGI wants. The iterators it wraps read files; they must not use the database (a worker
thread has its own connection). WhiteNoise's static files pass through it too, which is why
it sits first in ``MIDDLEWARE``.
"""

from collections.abc import AsyncIterator, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponseBase

BATCH_BYTES = 256 * 1024  # per thread hop: large enough to keep hops rare, small enough for memory
FILE_BLOCK_BYTES = 64 * 1024  # FileResponse reads 4 KB at a time by default


def _next_batch(chunks: Iterator[bytes]) -> bytes | None:
    """Up to about ``BATCH_BYTES`` from ``chunks`` joined, or None when they are exhausted."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size >= BATCH_BYTES:
            break
    if not parts:
        return None
    return b"".join(parts)


async def stream_in_thread(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` (a synchronous iterable) read in a worker thread, a batch at a time."""
    iterator = iter(chunks)
    read = sync_to_async(_next_batch, thread_sensitive=False)
    try:
        while (batch := await read(iterator)) is not None:
            yield batch
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=False)()


class AsyncStreamingMiddleware:
    """Under ASGI, turn a streaming response's synchronous iterator into an asynchronous one
    (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            isinstance(request, ASGIRequest)
            and getattr(response, "streaming", False)
            and not response.is_async
        ):
            if getattr(response, "file_to_stream", None) is not None:
                response.block_size = max(response.block_size, FILE_BLOCK_BYTES)
            # The original iterator (a file's reader, a generator) keeps its closer in the
            # response's resource closers, which the ASGI handler calls when it is done.
            response.streaming_content = stream_in_thread(response.streaming_content)
        return response
