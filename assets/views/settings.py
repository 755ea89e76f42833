"""Asset settings (``core.settings``): the directory (groups, brands, models,
modifications), warehouses, where an order's asset goes on each order status, and the asset
custom fields. Every save goes through ``assets.services``."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from documents.models import OrderStatus

from .. import services
from ..forms import (
    AssetCustomFieldForm,
    AssetModelForm,
    DirectoryEntryForm,
    ModificationForm,
    StatusMoveForm,
    WarehouseForm,
    add_errors,
)
from ..models import AssetCustomField, AssetGroup, AssetModel, Brand, Modification, Warehouse
from ..selectors import status_moves
from .common import page_of, permission

FORM_TEMPLATE = "clients/settings/form.html"  # the settings pages' shared form page


@dataclass(frozen=True)
class Section:
    """One list of the directory: what differs between groups, brands, models and
    modifications."""

    slug: str
    model: type[models.Model]
    form_class: type[forms.Form]
    save: Callable
    item_arg: str  # the name the save service takes the entry by
    title: Promise
    new_title: Promise
    edit_title: Promise
    parent: str = ""  # the field naming the entry's brand or model
    parent_label: Promise | None = None
    related: tuple[str, ...] = ()

    def rows(self):
        return self.model.objects.select_related(*self.related).order_by(*self.model._meta.ordering)


SECTIONS = {
    s.slug: s
    for s in (
        Section(
            slug="groups",
            model=AssetGroup,
            form_class=DirectoryEntryForm,
            save=services.group_save,
            item_arg="group",
            title=gettext_lazy("Asset groups"),
            new_title=gettext_lazy("New asset group"),
            edit_title=gettext_lazy("Edit asset group"),
        ),
        Section(
            slug="brands",
            model=Brand,
            form_class=DirectoryEntryForm,
            save=services.brand_save,
            item_arg="brand",
            title=gettext_lazy("Brands"),
            new_title=gettext_lazy("New brand"),
            edit_title=gettext_lazy("Edit brand"),
        ),
        Section(
            slug="models",
            model=AssetModel,
            form_class=AssetModelForm,
            save=services.model_save,
            item_arg="model",
            title=gettext_lazy("Models"),
            new_title=gettext_lazy("New model"),
            edit_title=gettext_lazy("Edit model"),
            parent="brand",
            parent_label=gettext_lazy("Brand"),
            related=("brand",),
        ),
        Section(
            slug="modifications",
            model=Modification,
            form_class=ModificationForm,
            save=services.modification_save,
            item_arg="modification",
            title=gettext_lazy("Modifications"),
            new_title=gettext_lazy("New modification"),
            edit_title=gettext_lazy("Edit modification"),
            parent="model",
            parent_label=gettext_lazy("Model"),
            related=("model__brand",),
        ),
    )
}


def _section(slug: str) -> Section:
    section = SECTIONS.get(slug)
    if section is None:
        raise Http404
    return section


def _form_page(request, form, title, back_url: str) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "back_url": back_url})


@permission("core.settings")
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "assets/settings/index.html", {"sections": SECTIONS.values()})


@permission("core.settings")
@require_GET
def directory_list(request: HttpRequest, section: str) -> HttpResponse:
    current = _section(section)
    context = {"section": current, "page": page_of(request, current.rows())}
    return render(request, "assets/settings/directory_list.html", context)


@permission("core.settings")
@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest, section: str, pk: int | None = None) -> HttpResponse:
    current = _section(section)
    entry = get_object_or_404(current.model, pk=pk) if pk else None
    back = reverse("assets:directory_list", args=[current.slug])
    if request.method == "POST":
        form = current.form_class(request.POST)
        if form.is_valid():
            try:
                current.save(actor=request.user, **{current.item_arg: entry}, **form.cleaned_data)
            except services.AssetError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    elif entry is not None:
        initial = {"name": entry.name, "active": entry.active}
        if current.parent:
            initial[current.parent] = getattr(entry, f"{current.parent}_id")
        form = current.form_class(initial=initial)
    else:
        form = current.form_class()
    title = current.edit_title if entry else current.new_title
    return _form_page(request, form, title, back)


@permission("core.settings")
@require_GET
def warehouse_list(request: HttpRequest) -> HttpResponse:
    rows = Warehouse.objects.select_related("employee").order_by(
        "-active", "kind", "position", "name", "id"
    )
    return render(request, "assets/settings/warehouse_list.html", {"page": page_of(request, rows)})


@permission("core.settings")
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    warehouse = get_object_or_404(Warehouse, pk=pk) if pk else None
    back = reverse("assets:warehouse_list")
    if request.method == "POST":
        form = WarehouseForm(request.POST, warehouse=warehouse)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if warehouse is not None:
                data["kind"] = warehouse.kind
            try:
                services.warehouse_save(actor=request.user, warehouse=warehouse, **data)
            except services.AssetError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Warehouse saved."))
                return redirect(back)
    elif warehouse is not None:
        form = WarehouseForm(
            initial={
                "name": warehouse.display_name,
                "position": warehouse.position,
                "active": warehouse.active,
            },
            warehouse=warehouse,
        )
    else:
        form = WarehouseForm()
    title = _("Edit warehouse") if warehouse else _("New warehouse")
    return _form_page(request, form, title, back)


@permission("core.settings")
@require_GET
def status_move_list(request: HttpRequest) -> HttpResponse:
    moves = status_moves()
    statuses = [
        (status, moves.get(status.pk))
        for status in OrderStatus.objects.order_by("-active", "position", "id")
    ]
    return render(request, "assets/settings/status_move_list.html", {"statuses": statuses})


@permission("core.settings")
@require_http_methods(["GET", "POST"])
def status_move_edit(request: HttpRequest, status_pk: int) -> HttpResponse:
    status = get_object_or_404(OrderStatus, pk=status_pk)
    back = reverse("assets:status_move_list")
    if request.method == "POST":
        form = StatusMoveForm(request.POST)
        if form.is_valid():
            try:
                services.status_move_save(actor=request.user, status=status, **form.cleaned_data)
            except services.AssetError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    else:
        current = status_moves().get(status.pk)
        form = StatusMoveForm(
            initial={
                "target": current.target if current else "none",
                "warehouse": current.warehouse_id if current else None,
            }
        )
    title = _("Asset move: %(status)s") % {"status": status.display_name}
    return _form_page(request, form, title, back)


@permission("core.settings")
@require_GET
def custom_field_list(request: HttpRequest) -> HttpResponse:
    rows = AssetCustomField.objects.order_by("position", "id")
    return render(
        request, "assets/settings/custom_field_list.html", {"page": page_of(request, rows)}
    )


@permission("core.settings")
@require_http_methods(["GET", "POST"])
def custom_field_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    field = get_object_or_404(AssetCustomField, pk=pk) if pk else None
    back = reverse("assets:custom_field_list")
    if request.method == "POST":
        form = AssetCustomFieldForm(request.POST, field=field)
        if form.is_valid():
            try:
                services.custom_field_save(
                    actor=request.user, field=field, data=form.service_input()
                )
            except services.AssetError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    elif field is not None:
        form = AssetCustomFieldForm(
            initial={
                "label": field.label,
                "key": field.key,
                "kind": field.kind,
                "choices_text": "\n".join(field.choices),
                "required": field.required,
                "position": field.position,
                "active": field.active,
            },
            field=field,
        )
    else:
        form = AssetCustomFieldForm()
    title = _("Edit asset custom field") if field else _("New asset custom field")
    return _form_page(request, form, title, back)
