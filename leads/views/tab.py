"""The Leads tab of the client profile: the client's leads the employee may see (number,
created, status, result), newest first, and "+ Lead" for this client."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from clients.models import Client
from clients.views import in_profile_frame
from core.htmx import wants_partial

from .. import services
from ..forms import LeadForm
from ..permissions import can_edit_leads
from ..selectors import lead_rows
from .common import add_errors, require_edit, viewer_required
from .pages import saved_redirect

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


@viewer_required
@require_http_methods(["GET", "POST"])
def client_lead_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Lead" on a client's Leads tab: the form (alone for htmx, else inside the tab), then
    the new lead's page."""
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
            response = saved_redirect(
                request, lead, _("Lead %(number)s created.") % {"number": lead.number}
            )
            if wants_partial(request):
                return HttpResponseClientRedirect(response.url)
            return response
    html = render_to_string(
        "leads/tabs/lead_form.html", {"client": client, "form": form}, request=request
    )
    if wants_partial(request):
        response = HttpResponse(html)
        response.headers["Vary"] = "HX-Request"
        return response
    return in_profile_frame(request, client, TAB, leads_tab(request, client, form_html=html))
