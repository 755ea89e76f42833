"""The shop's assets page (search, filters, pagination), "+ Asset" for the company, and the
photo of an asset (served only through this permission-checked view)."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.models import Client
from core.htmx import wants_partial

from .. import services
from ..custom_fields import active_definitions
from ..filters import AssetFilter
from ..forms import AssetForm, add_errors
from ..models import Warehouse
from ..photos import content_type
from ..selectors import assets_list
from .common import page_of, permission, scoped_asset


@permission("assets.view")
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    """Every asset, newest first: search by serial number or name, filter by warehouse,
    owner and status."""
    filterset = AssetFilter(request.GET, queryset=assets_list(request.user))
    if not filterset.is_valid():
        filterset = AssetFilter(QueryDict(), queryset=assets_list(request.user))
    page = page_of(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    client_id = request.GET.get("client", "")
    context = {
        "page": page,
        "filterset": filterset,
        "query": query.urlencode(),
        "warehouses": Warehouse.objects.order_by("-active", "position", "name", "id"),
        "client": (
            Client.objects.visible_to(request.user).filter(pk=client_id).first()
            if client_id.isdigit()
            else None
        ),
        "can_edit": request.user.has_perm("assets.edit"),
    }
    template = "assets/list_results.html" if wants_partial(request) else "assets/list.html"
    return render(request, template, context)


@permission("assets.edit")
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest) -> HttpResponse:
    """ "+ Asset" on the assets page: an asset of the company (a client's asset is added
    from the client's Assets tab)."""
    definitions = active_definitions()
    form = AssetForm(
        request.POST or None, request.FILES or None, definitions=definitions, owner=None
    )
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(actor=request.user, owner=None, **form.service_data())
        except services.AssetError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Asset %(serial)s added.") % {"serial": asset.serial})
            return redirect(asset.get_absolute_url())
    return render(request, "assets/create.html", {"form": form})


@permission("assets.view")
@require_GET
def asset_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The asset's photo, to employees who may see the asset; never a public URL."""
    asset = scoped_asset(request, pk)
    if not asset.photo or not default_storage.exists(asset.photo.name):
        raise Http404
    response = FileResponse(
        default_storage.open(asset.photo.name, "rb"), content_type=content_type(asset.photo.name)
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
