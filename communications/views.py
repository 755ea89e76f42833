"""The Communications tab: a strip of sections (Calls, SMS, …) and the chosen one."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from clients.models import Client

from .sections import sections_for

TAB = "communications"


def tab_url(client: Client, section: str | None = None) -> str:
    url = reverse("clients:tab", kwargs={"pk": client.pk, "tab": TAB})
    return f"{url}?section={section}" if section else url


def communications_tab(request: HttpRequest, client: Client) -> HttpResponse:
    sections = sections_for(request.user)
    if not sections:
        raise Http404
    wanted = request.GET.get("section")
    current = next((s for s in sections if s.slug == wanted), sections[0])
    body = current.view(request, client)
    if body.status_code != 200 or request.GET.get("part"):
        # A section's own partial (a page of a list, a filter) goes back alone.
        return body
    context = {
        "client": client,
        "sections": [(s, tab_url(client, s.slug)) for s in sections],
        "current": current,
        "section_html": body.content.decode(),
    }
    return render(request, "communications/tab.html", context)
