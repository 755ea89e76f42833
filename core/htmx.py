"""htmx handled once: a partial for htmx requests, the whole page otherwise; and the messages
a view adds (``django.contrib.messages``) shown on both paths."""

from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

# oficina.js puts these in the page's role=status region (#messages in base.html).
MESSAGES_EVENT = "oficina:messages"
# Answers that send the browser elsewhere (a page load, or htmx's own request for HX-Location):
# what is answered there shows the messages.
_CLIENT_NAVIGATION = ("HX-Redirect", "HX-Refresh", "HX-Location")


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of a page.

    A history-restore request (back button with an empty htmx cache) needs the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def add_messages_trigger(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Hand the messages waiting for ``request`` to the page as an htmx event.

    A whole page shows its messages in base.html; an htmx partial has no such place, so a
    view just calls ``messages.success(...)`` and the message still reaches the status region
    (and a screen reader) after the swap. Messages a template already showed stay shown once;
    a redirect keeps them for the page it leads to.
    """
    if not wants_partial(request) or 300 <= response.status_code < 400:
        return response
    if any(header in response for header in _CLIENT_NAVIGATION):
        return response
    storage = getattr(request, "_messages", None)
    if storage is None or storage.used:
        return response
    waiting = [{"level": message.tags, "text": str(message)} for message in storage]
    if waiting:
        # After the swap settles, on <body>: the element that sent the request (a form in a
        # dialog) is usually gone by then, and an event on it would reach nobody.
        trigger_client_event(
            response, MESSAGES_EVENT, {"target": "body", "messages": waiting}, after="settle"
        )
    return response


class HtmxMessagesMiddleware:
    """``add_messages_trigger`` for every response. Listed after MessageMiddleware and
    HtmxMiddleware, so it sees ``request.htmx`` and runs before the messages are stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_messages_trigger(request, self.get_response(request))
