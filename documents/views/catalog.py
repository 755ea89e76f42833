"""The catalog pages: services and products, each with a searchable list and create and edit
pages. Both catalogs work the same way; ``Catalog`` says what differs."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.htmx import wants_partial

from .. import services
from ..filters import ProductFilter, ServiceFilter
from ..forms import ProductForm, ServiceForm
from ..models import Product, Service
from ..permissions import CATALOG_EDIT, can_edit_catalog, can_view_catalog

PAGE_SIZE = 25


@dataclass(frozen=True)
class Catalog:
    model: type[models.Model]
    filter_class: type
    form_class: type[forms.Form]
    create: Callable
    update: Callable
    item_arg: str  # the name the update service takes the item by
    title: Promise
    search_hint: Promise
    add_label: Promise
    new_title: Promise
    saved_message: Promise
    results_template: str

    @property
    def list_url(self) -> str:
        return f"documents:{self.model._meta.model_name}_list"

    @property
    def create_url(self) -> str:
        return f"documents:{self.model._meta.model_name}_create"

    @property
    def edit_url(self) -> str:
        return f"documents:{self.model._meta.model_name}_edit"


SERVICES = Catalog(
    model=Service,
    filter_class=ServiceFilter,
    form_class=ServiceForm,
    create=services.service_create,
    update=services.service_update,
    item_arg="service",
    title=_("Services"),
    search_hint=_("Title"),
    add_label=_("Service"),
    new_title=_("New service"),
    saved_message=_("Service saved."),
    results_template="documents/catalog/service_results.html",
)
PRODUCTS = Catalog(
    model=Product,
    filter_class=ProductFilter,
    form_class=ProductForm,
    create=services.product_create,
    update=services.product_update,
    item_arg="product",
    title=_("Products"),
    search_hint=_("Title or SKU"),
    add_label=_("Product"),
    new_title=_("New product"),
    saved_message=_("Product saved."),
    results_template="documents/catalog/product_results.html",
)
CATALOGS = (SERVICES, PRODUCTS)


def catalog_viewer_required(view):
    """403 unless the employee may read the catalog (any of several permissions, which
    ``permission_required`` cannot express)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_view_catalog(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _catalog_list(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    items = catalog.model.objects.visible_to(request.user)
    filterset = catalog.filter_class(request.GET, queryset=items)
    if not filterset.is_valid():
        filterset = catalog.filter_class(QueryDict(), queryset=items)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "catalog": catalog,
        "catalogs": CATALOGS,
        "page": page,
        "filterset": filterset,
        "query": query.urlencode(),
        "can_edit": can_edit_catalog(request.user),
    }
    template = catalog.results_template if wants_partial(request) else "documents/catalog/list.html"
    return render(request, template, context)


def _add_errors(form: forms.Form, exc: services.CatalogError) -> None:
    """Show a refused change's messages next to their fields, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _catalog_edit(request: HttpRequest, catalog: Catalog, pk: int | None) -> HttpResponse:
    item = None
    if pk is not None:
        item = get_object_or_404(catalog.model.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = catalog.form_class(request.POST)
        if form.is_valid():
            try:
                if item is None:
                    catalog.create(actor=request.user, **form.cleaned_data)
                else:
                    catalog.update(
                        actor=request.user, **{catalog.item_arg: item}, **form.cleaned_data
                    )
            except services.CatalogError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, catalog.saved_message)
                return redirect(catalog.list_url)
    elif item is not None:
        fields = catalog.form_class.base_fields
        form = catalog.form_class(initial={name: getattr(item, name) for name in fields})
    else:
        form = catalog.form_class()
    context = {"catalog": catalog, "form": form, "item": item}
    return render(request, "documents/catalog/form.html", context)


@catalog_viewer_required
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    return _catalog_list(request, SERVICES)


@catalog_viewer_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    return _catalog_list(request, PRODUCTS)


@permission_required(CATALOG_EDIT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _catalog_edit(request, SERVICES, pk)


@permission_required(CATALOG_EDIT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _catalog_edit(request, PRODUCTS, pk)
