"""The Leads tab of the client profile: the client's leads the employee may see (number,
created, status, result), newest first, and "+ Lead" for this client."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients.models import Client
from clients.views import append_profile_header, in_profile_frame
from core.htmx import wants_partial

from .. import services
from ..forms import LeadForm
from ..permissions import can_edit_leads
from ..selectors import lead_rows
from .common import add_errors, require_edit, viewer_required

TAB = "leads"
PAGE_SIZE = 25


def tab_url(client: Client) -> str:
    return reverse("clients:tab", kwargs={"pk": client.pk, "tab": TAB})


def leads_tab(request: HttpRequest, client: Client, *, form_html: str = "") -> HttpResponse:
    # Newest first through the (client, created) index, however many leads the client has.
    leads = lead_rows(request.user).filter(client=client).order_by("-created_at", "-id")
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "client": client,
        "page": page,
        "base": tab_url(client),
        "can_edit": can_edit_leads(request.user),
        "form_html": mark_safe(form_html),  # rendered by our own template
    }
    part = request.GET.get("part") == "list"
    template = "leads/tabs/leads_list.html" if part else "leads/tabs/leads.html"
    return render(request, template, context)


def _back_to_tab(request: HttpRequest, client: Client, lead) -> HttpResponse:
    """After "+ Lead": the Leads tab with the new lead at the top (its count in the tab strip
    too) and the message in the status region; without htmx, a redirect to the tab."""
    messages.success(request, _("Lead %(number)s created.") % {"number": lead.number})
    if not lead_rows(request.user).filter(pk=lead.pk).exists():
        messages.info(
            request, _("Lead %(number)s is managed by someone else now.") % {"number": lead.number}
        )
    if not wants_partial(request):
        return redirect(tab_url(client))
    response = leads_tab(request, client)
    response.headers["HX-Retarget"] = "#tab-content"
    response.headers["HX-Reswap"] = "innerHTML"
    response.headers["Vary"] = "HX-Request"
    append_profile_header(response, request, client, TAB)
    return response


@viewer_required
@require_http_methods(["GET", "POST"])
def client_lead_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Lead" on a client's Leads tab: the form for this client (alone for htmx, else
    inside the tab), then the Leads tab again with the new lead in it."""
    require_edit(request)
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    form = LeadForm(
        request.POST if request.method == "POST" else None,
        has_client=True,
        initial={"manager": request.user, "ad_campaign": client.marketing_source_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, client=client, **form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _back_to_tab(request, client, lead)
    html = render_to_string(
        "leads/tabs/lead_form.html", {"client": client, "form": form}, request=request
    )
    if wants_partial(request):
        response = HttpResponse(html)
        response.headers["Vary"] = "HX-Request"
        return response
    return in_profile_frame(request, client, TAB, leads_tab(request, client, form_html=html))
