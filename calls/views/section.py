"""The Calls section of the client's Communications tab: the client's calls, newest first,
All / Incoming / Outgoing, 25 a page; filter and page links swap only the section."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from communications.views import tab_url

from ..models import Call
from ..selectors import call_rows
from .common import filtered_page, row_context

SECTION = "calls"
PART = "calls"


def calls_section(request: HttpRequest, client: Client) -> HttpResponse:
    # Newest first through the (client, started) index, however many calls the client has.
    queryset = call_rows(request.user).filter(client=client)
    params = request.GET.copy()
    for name in ("client", "search", "status", "section"):
        params.pop(name, None)  # the section filters this client's calls by type only
    filterset, page, _query = filtered_page(request, queryset, params)
    base = tab_url(client, SECTION)
    direction = filterset.form.cleaned_data.get("direction") or ""
    own = f"&direction={direction}" if direction else ""
    filters = [("", _("All")), *Call.Direction.choices]
    context = {
        "client": client,
        "page": page,
        "base": base,
        "part": PART,
        "own": own,
        "direction": direction,
        "filters": [
            (value, label, f"{base}&direction={value}" if value else base)
            for value, label in filters
        ],
        **row_context(request),
    }
    return render(request, "calls/section.html", context)
