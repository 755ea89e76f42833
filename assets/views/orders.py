"""The asset panel of the order dialog (registered with ``documents.hooks``): the order's
asset and where it is now, or a form to link one of the client's assets to an open order."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from clients.models import Client
from core.htmx import wants_partial
from documents.models import Order

from .. import services
from ..models import Asset
from ..selectors import linkable_assets, order_asset
from .common import permission

DIALOG_SLOT = "#document-slot"  # where the documents app shows the order dialog


def _can_link(request: HttpRequest, order: Order) -> bool:
    user = request.user
    return (
        user.has_perm("assets.edit")
        and user.has_perm("documents.edit")
        and services.order_is_open(order)
    )


def order_panel(*, request: HttpRequest, order: Order, errors=()) -> str:
    """The panel's HTML, or "" when there is nothing to show this employee."""
    if not request.user.has_perm("assets.view"):
        return ""
    asset = order_asset(order)
    choices = linkable_assets(order) if asset is None and _can_link(request, order) else []
    if asset is None and not choices:
        return ""
    context = {"order": order, "asset": asset, "choices": choices, "errors": errors}
    return render_to_string("assets/order_panel.html", context, request=request)


@permission("assets.edit", "documents.edit")
@require_POST
def order_asset_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link one of the client's assets to an open order; then the order dialog again."""
    order = get_object_or_404(
        Order.objects.visible_to(request.user).select_related("status"), pk=pk
    )
    if not Client.objects.visible_to(request.user).filter(pk=order.client_id).exists():
        raise Http404
    url = reverse("documents:order_detail", args=[order.pk])
    raw = request.POST.get("asset", "")
    asset = Asset.objects.visible_to(request.user).filter(pk=raw).first() if raw.isdigit() else None
    try:
        if asset is None:
            raise services.AssetError({"asset": [_("Choose one of the client's assets.")]})
        services.order_asset_link(actor=request.user, order=order, asset=asset)
    except services.AssetError as exc:
        if not wants_partial(request):
            messages.error(request, " ".join(exc.messages))
            return redirect(url)
        order.refresh_from_db()
        return HttpResponse(order_panel(request=request, order=order, errors=exc.messages))
    message = _("Asset %(serial)s linked to the order.") % {"serial": asset.serial}
    messages.success(request, message)  # shown on both paths (core/htmx.py)
    if not wants_partial(request):
        return redirect(url)
    # The documents app renders the dialog: htmx fetches it again into its slot.
    return HttpResponseLocation(url, target=DIALOG_SLOT)
