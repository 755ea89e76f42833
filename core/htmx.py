"""htmx handled once: a partial for htmx requests, the whole page otherwise."""

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of a page.

    A history-restore request (back button with an empty htmx cache) needs the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted
