"""An estimate's dialog and its actions: "+ Estimate", lines, status, "Create order"."""

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import estimates as services
from ..document_forms import EstimateForm, EstimateStatusForm, LineEditForm, LineForm
from ..models import Estimate, EstimateItem
from ..permissions import can_edit_documents
from .common import (
    add_errors,
    after_change,
    dialog_page,
    documents_viewer_required,
    require,
    scoped,
    scoped_client,
)
from .orders import order_dialog, order_url

FIELDS = ("manager", "valid_until", "description")


def estimate_url(estimate: Estimate) -> str:
    return reverse("documents:estimate_detail", args=[estimate.pk])


def estimate_dialog(request: HttpRequest, estimate: Estimate, *, forms: dict | None = None) -> str:
    estimate = Estimate.objects.select_related("client", "manager", "order").get(pk=estimate.pk)
    forms = forms or {}
    editable = estimate.is_editable and can_edit_documents(request.user)
    # A refused line, edit or status whose section is gone (the estimate was converted or
    # cancelled meanwhile) shows its errors at the top of the dialog.
    sections = {key: form for key, form in forms.items() if key != "convert"}
    refused = None if editable else next(iter(sections.values()), None)
    context = {
        "estimate": estimate,
        "client": estimate.client,
        "items": EstimateItem.objects.filter(estimate=estimate).select_related("assignee"),
        "can_edit": editable,
        "line_form": forms.get("line") or LineForm(),
        "line_edit_form": forms.get("line_edit") if editable else None,
        "edit_form": forms.get("edit")
        or EstimateForm(initial={name: getattr(estimate, name) for name in FIELDS}),
        "status_form": forms.get("status")
        or EstimateStatusForm(initial={"status": estimate.status}),
        "convert_form": forms.get("convert"),
        "refused": refused,
        "opened": next(iter(forms), ""),
        "url": estimate_url(estimate),
    }
    return render_to_string("documents/dialogs/estimate.html", context, request=request)


def _estimate(request, pk: int) -> Estimate:
    return scoped(Estimate, request, pk)


@documents_viewer_required
def estimate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = _estimate(request, pk)
    return dialog_page(request, estimate.client, estimate_dialog(request, estimate))


@require_http_methods(["GET", "POST"])
def estimate_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Estimate": its own fields; then its dialog, to add lines."""
    require(request, "documents.edit")
    client = scoped_client(request, pk)
    form = EstimateForm(
        request.POST if request.method == "POST" else None, initial={"manager": request.user}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["manager"] = data.get("manager") or request.user
        try:
            estimate = services.estimate_create(actor=request.user, client=client, **data)
        except services.EstimateError as exc:
            add_errors(form, exc)
        else:
            return after_change(
                request,
                client,
                estimate_dialog(request, estimate),
                message=_("Estimate %(number)s created.") % {"number": estimate.number},
                url=estimate_url(estimate),
                refresh_header=True,
            )
    html = render_to_string(
        "documents/dialogs/estimate_new.html", {"client": client, "form": form}, request=request
    )
    return dialog_page(request, client, html)


def _act(request, estimate: Estimate, key: str, form, operation, message: str):
    if form.is_valid():
        try:
            operation(form)
        except services.EstimateError as exc:
            add_errors(form, exc)
        else:
            return after_change(
                request,
                estimate.client,
                estimate_dialog(request, estimate),
                message=message,
                url=estimate_url(estimate),
            )
    html = estimate_dialog(request, estimate, forms={key: form})
    return dialog_page(request, estimate.client, html)


@require_POST
def estimate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    estimate = _estimate(request, pk)

    def save(form):
        services.estimate_update(actor=request.user, estimate=estimate, **form.cleaned_data)

    return _act(request, estimate, "edit", EstimateForm(request.POST), save, _("Estimate saved."))


@require_POST
def estimate_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    estimate = _estimate(request, pk)

    def add(form):
        services.estimate_item_add(actor=request.user, estimate=estimate, **form.line())

    return _act(request, estimate, "line", LineForm(request.POST), add, _("Line added."))


@require_POST
def estimate_item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    require(request, "documents.edit")
    estimate = _estimate(request, pk)
    item = get_object_or_404(EstimateItem, pk=item_id, estimate=estimate)

    def remove(form):
        services.estimate_item_remove(actor=request.user, item=item)

    return _act(request, estimate, "line", Form(data={}), remove, _("Line removed."))


@require_http_methods(["GET", "POST"])
def estimate_item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """A line's title and numbers, edited in the dialog (GET opens the form)."""
    require(request, "documents.edit")
    estimate = _estimate(request, pk)
    item = get_object_or_404(EstimateItem, pk=item_id, estimate=estimate)
    if request.method == "GET":
        html = estimate_dialog(request, estimate, forms={"line_edit": LineEditForm(item=item)})
        return dialog_page(request, estimate.client, html)
    form = LineEditForm(request.POST, item=item)

    def save(form):
        services.estimate_item_update(actor=request.user, item=item, **form.cleaned_data)

    return _act(request, estimate, "line_edit", form, save, _("Line saved."))


@require_POST
def estimate_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    estimate = _estimate(request, pk)

    def move(form):
        services.estimate_status_set(actor=request.user, estimate=estimate, **form.cleaned_data)

    form = EstimateStatusForm(request.POST)
    return _act(request, estimate, "status", form, move, _("Status changed."))


@require_POST
def estimate_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Create order": the new order's dialog replaces the estimate's."""
    require(request, "documents.edit")
    estimate = _estimate(request, pk)
    form = Form(data={})
    try:
        order = services.estimate_convert(actor=request.user, estimate=estimate)
    except services.EstimateError as exc:
        add_errors(form, exc)
        html = estimate_dialog(request, estimate, forms={"convert": form})
        return dialog_page(request, estimate.client, html)
    return after_change(
        request,
        estimate.client,
        order_dialog(request, order),
        message=_("Order %(number)s created from estimate %(estimate)s.")
        % {"number": order.number, "estimate": estimate.number},
        url=order_url(order),
        refresh_header=True,
    )
