"""The leads page of the whole shop, "+ Lead", and a lead's own page with its actions: edit,
change status, convert into an order or estimate, mark lost. Each action checks its
permission, calls one service and comes back to the lead's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Employee
from core.htmx import wants_partial

from .. import services
from ..filters import LeadFilter
from ..forms import LEAD_FORM_FIELDS, ConvertForm, LeadForm, LeadStatusForm, LostForm
from ..models import Lead, LeadStatus, LeadType
from ..permissions import can_convert_leads, can_edit_leads, can_view_all_leads
from ..selectors import lead_history, lead_rows
from .common import add_errors, require_convert, require_edit, scoped_lead, viewer_required

PAGE_SIZE = 25


@viewer_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """Every lead the employee may see, filtered and searched, newest first."""
    filterset = LeadFilter(request.GET, queryset=lead_rows(request.user))
    if not filterset.is_valid():
        filterset = LeadFilter(QueryDict(), queryset=filterset.queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    see_all = can_view_all_leads(request.user)
    context = {
        "page": page,
        "filterset": filterset,
        "query": query.urlencode(),
        "base": reverse("leads:list"),
        "groups": LeadStatus.Group.choices,
        "types": LeadType.objects.order_by("-active", "position", "id"),
        "managers": Employee.objects.filter(is_active=True).order_by("full_name", "id")
        if see_all
        else [],
        "can_edit": can_edit_leads(request.user),
    }
    template = "leads/list_results.html" if wants_partial(request) else "leads/list.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


def saved_redirect(request: HttpRequest, lead: Lead, message: str) -> HttpResponse:
    """Back to the lead's page; to the leads page when the lead was handed to someone and the
    employee ("only my leads") no longer sees it."""
    messages.success(request, message)
    if Lead.objects.visible_to(request.user).filter(pk=lead.pk).exists():
        return redirect(lead.get_absolute_url())
    messages.info(request, _("Lead %(number)s is managed by someone else now.") % _num(lead))
    return redirect("leads:list")


def _num(lead: Lead) -> dict:
    return {"number": lead.number}


@viewer_required
@require_http_methods(["GET", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    """ "+ Lead" on the leads page: a contact's name and phone (converting finds the client
    by phone or creates one), and the lead's own fields."""
    require_edit(request)
    form = LeadForm(
        request.POST if request.method == "POST" else None, initial={"manager": request.user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved_redirect(request, lead, _("Lead %(number)s created.") % _num(lead))
    context = {"form": form, "title": _("New lead"), "back_url": reverse("leads:list")}
    return render(request, "leads/create.html", context)


def _initial(lead: Lead) -> dict:
    initial = {name: getattr(lead, name) for name in LEAD_FORM_FIELDS}
    initial["contact_phone"] = lead.contact_phone_display
    return initial


def _detail(request: HttpRequest, lead: Lead, *, forms: dict | None = None) -> HttpResponse:
    """The lead's page; ``forms`` holds a refused form to show again, opened."""
    forms = forms or {}
    user = request.user
    group = lead.status.group
    can_edit = can_edit_leads(user)
    can_convert = (
        can_convert_leads(user) and not lead.is_converted and group != LeadStatus.Group.LOST
    )
    context = {
        "lead": lead,
        "history": lead_history(lead),
        "can_edit": can_edit,
        "can_convert": can_convert,
        "can_lose": can_edit and not lead.is_converted,
        "is_overdue": lead.is_overdue(),
        "edit_form": forms.get("edit") or LeadForm(lead=lead, initial=_initial(lead)),
        "status_form": forms.get("status")
        or LeadStatusForm(lead=lead, initial={"status": lead.status}),
        "lost_form": forms.get("lost") or LostForm(prefix="lost"),
        "convert_form": forms.get("convert"),
        "opened": next(iter(forms), ""),
    }
    return render(request, "leads/detail.html", context)


@viewer_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, scoped_lead(request, pk))


def _act(request, lead: Lead, key: str, form, operation, message) -> HttpResponse:
    """Run ``operation(form)`` if the form is valid and go back to the lead's page; show the
    form again, its errors next to the fields, when anything refused it."""
    if form.is_valid():
        try:
            result = operation(form)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            text = message(result) if callable(message) else message
            return saved_redirect(request, lead, text)
    return _detail(request, lead, forms={key: form})


@viewer_required
@require_POST
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_edit(request)
    lead = scoped_lead(request, pk)
    form = LeadForm(request.POST, lead=lead)

    def save(form):
        services.lead_update(actor=request.user, lead=lead, **form.service_data())

    return _act(request, lead, "edit", form, save, _("Lead saved."))


@viewer_required
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    require_edit(request)
    lead = scoped_lead(request, pk)
    form = LeadStatusForm(request.POST, lead=lead)

    def move(form):
        services.lead_status_set(actor=request.user, lead=lead, **form.cleaned_data)

    return _act(request, lead, "status", form, move, _("Status changed."))


@viewer_required
@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Convert to order" / "Convert to estimate": the document, the lead's result, Won."""
    require_convert(request)
    lead = scoped_lead(request, pk)
    form = ConvertForm(request.POST)

    def convert(form):
        return services.lead_convert(actor=request.user, lead=lead, to=form.cleaned_data["to"])

    def message(document) -> str:
        numbers = {"lead": lead.number, "document": document.number}
        if document.client_created:
            return _(
                "Lead %(lead)s converted into %(document)s and created the client %(client)s."
            ) % {**numbers, "client": document.client}
        return _("Lead %(lead)s converted into %(document)s.") % numbers

    return _act(request, lead, "convert", form, convert, message)


@viewer_required
@require_POST
def lead_lost(request: HttpRequest, pk: int) -> HttpResponse:
    require_edit(request)
    lead = scoped_lead(request, pk)
    form = LostForm(request.POST, prefix="lost")

    def lose(form):
        services.lead_mark_lost(actor=request.user, lead=lead, **form.cleaned_data)

    return _act(request, lead, "lost", form, lose, _("Lead marked lost."))
