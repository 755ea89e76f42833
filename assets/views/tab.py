"""The Assets tab of the client profile: the client's assets (serial number, name, where
each is now), newest first, and "+ Asset" (a dialog) for an asset of this client."""

from django.contrib import messages
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
from ..custom_fields import active_definitions
from ..forms import AssetForm, add_errors
from ..selectors import client_assets
from .common import page_of, permission

TAB = "assets"


def assets_tab(request: HttpRequest, client: Client, *, dialog_html: str = "") -> HttpResponse:
    context = {
        "client": client,
        "page": page_of(request, client_assets(client, request.user)),
        "base": reverse("clients:tab", kwargs={"pk": client.pk, "tab": TAB}),
        "can_edit": request.user.has_perm("assets.edit"),
        "dialog_html": mark_safe(dialog_html),  # rendered by our own templates
    }
    return render(request, "assets/tabs/client_assets.html", context)


def _dialog(request: HttpRequest, client: Client, form: AssetForm) -> str:
    return render_to_string(
        "assets/tabs/new_asset.html", {"client": client, "form": form}, request=request
    )


@permission("clients.view", "assets.view", "assets.edit")
@require_http_methods(["GET", "POST"])
def client_asset_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Asset" from the client's Assets tab: GET opens the dialog, POST saves. An htmx
    answer is the tab again (and the header, for the count); without htmx a redirect."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    definitions = active_definitions()
    if request.method == "GET":
        form = AssetForm(definitions=definitions, owner=client)
        if wants_partial(request):
            return HttpResponse(_dialog(request, client, form))
        response = assets_tab(request, client, dialog_html=_dialog(request, client, form))
        return in_profile_frame(request, client, TAB, response)
    form = AssetForm(request.POST, request.FILES, definitions=definitions, owner=client)
    if form.is_valid():
        try:
            asset = services.asset_create(actor=request.user, owner=client, **form.service_data())
        except services.AssetError as exc:
            add_errors(form, exc)
        else:
            message = _("Asset %(serial)s added.") % {"serial": asset.serial}
            messages.success(request, message)  # shown on both paths (core/htmx.py)
            if not wants_partial(request):
                return redirect("clients:tab", pk=client.pk, tab=TAB)
            response = assets_tab(request, client)
            append_profile_header(response, request, client, TAB)
            return response
    response = assets_tab(request, client, dialog_html=_dialog(request, client, form))
    return in_profile_frame(request, client, TAB, response)
