"""The asset profile (``/assets/<id>/``): a header with the asset's actions ("Move to…",
"+ Order", "Write off") and three tabs: General (the form, edited in place), History (the
transfers, newest first) and Orders. Tabs load with htmx; a normal request (reload, back
button, shared link) gets the whole page with the tab open."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.htmx import wants_partial
from documents.permissions import can_edit_documents, can_view_documents

from .. import services
from ..custom_fields import active_definitions
from ..forms import AssetForm, AssetOrderForm, MoveForm, WriteOffForm, add_errors
from ..models import Asset
from ..selectors import asset_orders, asset_transfers
from .common import page_of, permission, require, scoped_asset

TABS = {
    "general": gettext_lazy("General"),
    "history": gettext_lazy("History"),
    "orders": gettext_lazy("Orders"),
}


def _tabs(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (slug, label)
        for slug, label in TABS.items()
        if slug != "orders" or can_view_documents(request.user)
    ]


def _can_order(request: HttpRequest, asset: Asset) -> bool:
    return (
        asset.owner_id is not None
        and not asset.is_written_off
        and request.user.has_perm("assets.edit")
        and can_edit_documents(request.user)
    )


def _frame(request: HttpRequest, asset: Asset, tab: str, html: str, *, forms=None, status=200):
    """``html`` (a tab's content) alone for htmx, else inside the whole profile page."""
    if wants_partial(request) and not forms:
        response = HttpResponse(html, status=status)
        response.headers["Vary"] = "HX-Request"
        return response
    forms = forms or {}
    context = {
        "asset": asset,
        "tabs": _tabs(request),
        "current": tab,
        "tab_html": mark_safe(html),  # rendered by our own templates
        "can_edit": request.user.has_perm("assets.edit"),
        "can_order": _can_order(request, asset),
        "move_form": forms.get("move") or MoveForm(asset=asset),
        "write_off_form": forms.get("write_off") or WriteOffForm(),
        "order_form": forms.get("order") or AssetOrderForm(),
        "opened": next(iter(forms), ""),
    }
    response = render(request, "assets/profile.html", context, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def _general(request: HttpRequest, asset: Asset, *, form=None, saved=False) -> str:
    can_edit = request.user.has_perm("assets.edit")
    form = form or AssetForm(definitions=active_definitions(), asset=asset)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {"asset": asset, "form": form, "can_edit": can_edit, "saved": saved}
    return render_to_string("assets/tabs/general.html", context, request=request)


def _history(request: HttpRequest, asset: Asset) -> str:
    context = {
        "asset": asset,
        "page": page_of(request, asset_transfers(asset)),
        "base": reverse("assets:tab", args=[asset.pk, "history"]),
        "can_view_orders": can_view_documents(request.user),
    }
    return render_to_string("assets/tabs/history.html", context, request=request)


def _orders(request: HttpRequest, asset: Asset) -> str:
    context = {
        "asset": asset,
        "page": page_of(request, asset_orders(asset, request.user)),
        "base": reverse("assets:tab", args=[asset.pk, "orders"]),
    }
    return render_to_string("assets/tabs/orders.html", context, request=request)


def _tab_html(request: HttpRequest, asset: Asset, tab: str) -> str:
    if tab == "history":
        return _history(request, asset)
    if tab == "orders":
        return _orders(request, asset)
    return _general(request, asset)


@permission("assets.view")
@require_http_methods(["GET", "POST"])
def asset_profile(request: HttpRequest, pk: int, tab: str = "general") -> HttpResponse:
    asset = scoped_asset(request, pk)
    if tab not in dict(_tabs(request)):
        raise Http404
    if request.method == "POST":
        if tab != "general":
            raise Http404
        return _save(request, asset)
    return _frame(request, asset, tab, _tab_html(request, asset, tab))


def _save(request: HttpRequest, asset: Asset) -> HttpResponse:
    """The General tab's form posted: saved through ``asset_update``."""
    require(request, "assets.edit")
    form = AssetForm(request.POST, request.FILES, definitions=active_definitions(), asset=asset)
    if form.is_valid():
        try:
            services.asset_update(actor=request.user, asset=asset, **form.service_data())
        except services.AssetError as exc:
            add_errors(form, exc)
        else:
            if not wants_partial(request):
                messages.success(request, _("Changes saved."))
                return redirect(asset.get_absolute_url())
            asset = scoped_asset(request, asset.pk)
            html = _general(request, asset, saved=True)
            header = _header(request, asset)
            return HttpResponse(html + header, headers={"Vary": "HX-Request"})
    return _frame(request, asset, "general", _general(request, asset, form=form))


def _header(request: HttpRequest, asset: Asset) -> str:
    """The header again, swapped out of band (serial, name or photo may have changed)."""
    context = {
        "asset": asset,
        "oob": True,
        "can_edit": request.user.has_perm("assets.edit"),
        "can_order": _can_order(request, asset),
        "move_form": MoveForm(asset=asset),
        "write_off_form": WriteOffForm(),
        "order_form": AssetOrderForm(),
    }
    return render_to_string("assets/profile_head.html", context, request=request)


def _refused(request: HttpRequest, asset: Asset, key: str, form) -> HttpResponse:
    """The profile again with the refused action's form open and its errors shown."""
    return _frame(request, asset, "general", _general(request, asset), forms={key: form})


@permission("assets.edit")
@require_POST
def asset_move(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Move to…": a new transfer; then the History tab."""
    asset = scoped_asset(request, pk)
    form = MoveForm(request.POST, asset=asset)
    if form.is_valid():
        try:
            services.asset_move(actor=request.user, asset=asset, **form.cleaned_data)
        except services.AssetError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Moved to %(warehouse)s.") % {"warehouse": form.cleaned_data["warehouse"]},
            )
            return redirect("assets:tab", pk=asset.pk, tab="history")
    return _refused(request, asset, "move", form)


@permission("assets.edit")
@require_POST
def asset_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    asset = scoped_asset(request, pk)
    form = WriteOffForm(request.POST)
    if form.is_valid():
        try:
            services.asset_write_off(actor=request.user, asset=asset, **form.cleaned_data)
        except services.AssetError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Asset written off."))
            return redirect(asset.get_absolute_url())
    return _refused(request, asset, "write_off", form)


@permission("assets.edit", "documents.edit")
@require_POST
def asset_order_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Order": a work order for the asset's owner, linked to the asset; then the order."""
    asset = scoped_asset(request, pk)
    form = AssetOrderForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            order = services.asset_order_create(actor=request.user, asset=asset, **fields)
        except ValidationError as exc:  # the asset's refusal, or the order's
            add_errors(form, exc)
        else:
            messages.success(request, _("Order %(number)s created.") % {"number": order.number})
            return redirect("documents:order_detail", pk=order.pk)
    return _refused(request, asset, "order", form)
