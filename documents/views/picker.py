"""The catalog picker of order, estimate and sale lines: what matches the words typed so far,
a few at a time, however large the catalog."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import MAX_QUERY, PICK_LIMIT, catalog_pick
from .common import require


@require_GET
def catalog_pick_view(request: HttpRequest) -> HttpResponse:
    """``?q=words``: the active services and products matching them (at most ``PICK_LIMIT``)
    and free text, for whoever may build documents."""
    require(request, "documents.edit")
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    choices, more = catalog_pick(request.user, query)
    context = {"query": query, "choices": choices, "more": more, "limit": PICK_LIMIT}
    response = render(request, "documents/catalog_pick.html", context)
    response.headers["Vary"] = "HX-Request"
    return response
