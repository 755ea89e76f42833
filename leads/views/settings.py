"""Settings: lead types, lead statuses (name, group, colour, order in lists, active) and lost
reasons, on one page with a form for each entry."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ..choices import lead_status_save, lead_type_save, lost_reason_save
from ..forms import LeadStatusSettingsForm, LeadTypeForm, LostReasonForm
from ..models import LeadStatus, LeadType, LostReason
from .common import add_errors


@dataclass(frozen=True)
class Kind:
    """One of the three lists: its model, form, service and words."""

    model: type
    form: type[forms.Form]
    save: object
    argument: str  # the service's name for the entry being changed
    new_title: Promise
    edit_title: Promise


KINDS = {
    "types": Kind(
        LeadType,
        LeadTypeForm,
        lead_type_save,
        "lead_type",
        gettext_lazy("New lead type"),
        gettext_lazy("Edit lead type"),
    ),
    "statuses": Kind(
        LeadStatus,
        LeadStatusSettingsForm,
        lead_status_save,
        "status",
        gettext_lazy("New lead status"),
        gettext_lazy("Edit lead status"),
    ),
    "lost-reasons": Kind(
        LostReason,
        LostReasonForm,
        lost_reason_save,
        "reason",
        gettext_lazy("New lost reason"),
        gettext_lazy("Edit lost reason"),
    ),
}


@permission_required("core.settings", raise_exception=True)
@require_GET
def lead_settings(request: HttpRequest) -> HttpResponse:
    context = {
        "types": LeadType.objects.order_by("-active", "position", "id"),
        "statuses": LeadStatus.objects.order_by("-active", "position", "id"),
        "reasons": LostReason.objects.order_by("-active", "position", "id"),
    }
    return render(request, "leads/settings/lists.html", context)


@permission_required("core.settings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def lead_choice_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or change an entry of one of the lists."""
    spec = KINDS[kind]
    entry = get_object_or_404(spec.model, pk=pk) if pk else None
    if request.method == "POST":
        form = spec.form(request.POST)
        if form.is_valid():
            try:
                spec.save(actor=request.user, **{spec.argument: entry}, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("leads:settings")
    elif entry is not None:
        initial = {name: getattr(entry, name) for name in spec.form.base_fields}
        # A built-in entry not renamed is offered in the viewer's language.
        initial["name"] = entry.display_name
        form = spec.form(initial=initial)
    else:
        form = spec.form(initial={"color": "#6b7280"} if spec.model is LeadStatus else None)
    context = {
        "form": form,
        "title": spec.edit_title if entry else spec.new_title,
        "back_url": reverse("leads:settings"),
    }
    return render(request, "clients/settings/form.html", context)
