"""The shop's inbox: every conversation the employee may see, filtered, newest activity
first, with the open conversation beside the list."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from core.htmx import wants_partial

from ..forms import InboxFilterForm
from ..selectors import PAGE_SIZE, conversation_rows, inbox_filter
from .common import access_required


def list_context(request: HttpRequest) -> dict:
    """The filtered list and its page, with the URLs that reload it as it is."""
    form = InboxFilterForm(request.GET, employee=request.user)
    filters = form.filters()
    rows = inbox_filter(conversation_rows(request.user), employee=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "part"):
        query.pop(name, None)
    query = query.urlencode()
    base = reverse("conversations:inbox")
    own = f"{base}?{query}&" if query else f"{base}?"
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "query": query,
        # Reloading the list keeps its filters and page (``conversations.js``).
        "list_url": f"{own}page={page.number}",
        "page_link": own,
        "page_get": own,
    }


def inbox_page(request: HttpRequest, *, pane_html: str = "", open_id: int | None = None):
    context = {**list_context(request), "pane_html": pane_html, "open_id": open_id}
    response = render(request, "conversations/inbox.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


@access_required
@require_GET
def conversation_inbox(request: HttpRequest) -> HttpResponse:
    """The inbox page; for htmx (filters, pages, a live refresh) the list alone."""
    if wants_partial(request):
        response = render(request, "conversations/list.html", list_context(request))
        response.headers["Vary"] = "HX-Request"
        return response
    return inbox_page(request)


urlpatterns = [path("conversations/", conversation_inbox, name="inbox")]
