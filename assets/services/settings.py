"""What asset settings change: the directory, warehouses, where an order's asset goes on
each order status, and the asset custom field definitions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clients.models import CustomField
from documents.models import OrderStatus

from ..models import (
    Asset,
    AssetCustomField,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    StatusMove,
    Warehouse,
)
from ..models.directory import NAME_MAX as DIRECTORY_NAME_MAX
from .checks import AssetError, _Errors, _fresh, _text


def _entry_name(value) -> str:
    return _text(value, "name", limit=DIRECTORY_NAME_MAX, required=True, collapse=True)


def _save_entry(entry, clash, message: str):
    """Save a directory entry whose name must be free among ``clash`` (case ignored)."""
    if clash.filter(name__iexact=entry.name).exclude(pk=entry.pk).exists():
        raise AssetError({"name": [message]})
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise AssetError({"name": [message]}) from None
    return entry


@transaction.atomic
def group_save(*, actor, group: AssetGroup | None = None, name: str, active: bool = True):
    """Create (``group=None``) or change an asset group."""
    entry = group or AssetGroup()
    entry.name, entry.active = _entry_name(name), bool(active)
    return _save_entry(entry, AssetGroup.objects.all(), _("A group with this name already exists."))


@transaction.atomic
def brand_save(*, actor, brand: Brand | None = None, name: str, active: bool = True) -> Brand:
    """Create (``brand=None``) or change a brand."""
    entry = brand or Brand()
    entry.name, entry.active = _entry_name(name), bool(active)
    return _save_entry(entry, Brand.objects.all(), _("A brand with this name already exists."))


@transaction.atomic
def model_save(
    *, actor, model: AssetModel | None = None, brand: Brand, name: str, active: bool = True
) -> AssetModel:
    """Create (``model=None``) or change a brand's model."""
    if not isinstance(brand, Brand):
        raise AssetError({"brand": [_("Choose a brand.")]})
    entry = model or AssetModel()
    entry.brand, entry.name, entry.active = brand, _entry_name(name), bool(active)
    return _save_entry(
        entry,
        AssetModel.objects.filter(brand=brand),
        _("This brand already has a model with this name."),
    )


@transaction.atomic
def modification_save(
    *,
    actor,
    modification: Modification | None = None,
    model: AssetModel,
    name: str,
    active: bool = True,
) -> Modification:
    """Create (``modification=None``) or change a model's modification."""
    if not isinstance(model, AssetModel):
        raise AssetError({"model": [_("Choose a model.")]})
    entry = modification or Modification()
    entry.model, entry.name, entry.active = model, _entry_name(name), bool(active)
    return _save_entry(
        entry,
        Modification.objects.filter(model=model),
        _("This model already has a modification with this name."),
    )


@transaction.atomic
def warehouse_save(
    *,
    actor,
    warehouse: Warehouse | None = None,
    name: str,
    kind: str = Warehouse.Kind.COMPANY,
    employee=None,
    position: int = 0,
    active: bool = True,
) -> Warehouse:
    """Create (``warehouse=None``) or change a warehouse.

    New warehouses are the company's or an employee's (one per employee); "At client" is
    the only one of its kind, can be renamed but not deactivated. A warehouse's kind and
    employee do not change, and one that holds assets or that an order status sends assets
    to stays active.
    """
    errors = _Errors()
    name = errors.run(_text, name, "name", limit=100, required=True, collapse=True)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 999:
        errors.fields["position"] = [_("Enter a number from 0 to 999.")]
    if warehouse is None:
        if kind not in (Warehouse.Kind.COMPANY, Warehouse.Kind.EMPLOYEE):
            errors.fields["kind"] = [_("A new warehouse is the company's or an employee's.")]
        elif kind == Warehouse.Kind.EMPLOYEE:
            if employee is None:
                errors.fields["employee"] = [_("Choose the employee.")]
            elif Warehouse.objects.filter(employee=employee).exists():
                errors.fields["employee"] = [_("This employee already has a warehouse.")]
        elif employee is not None:
            errors.fields["employee"] = [_("Only an employee warehouse has an employee.")]
        errors.raise_any()
        current = Warehouse(
            kind=kind, employee=employee if kind == Warehouse.Kind.EMPLOYEE else None
        )
    else:
        current = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
        if kind != current.kind:
            errors.fields["kind"] = [_("A warehouse's kind cannot change.")]
        if employee is not None and employee.pk != current.employee_id:
            errors.fields["employee"] = [_("A warehouse's employee cannot change.")]
        if current.active and not active:
            if current.is_client:
                errors.fields["active"] = [_("“At client” is always active.")]
            elif Asset.objects.filter(warehouse=current).exists():
                errors.fields["active"] = [_("Assets are in this warehouse: move them out first.")]
            elif StatusMove.objects.filter(warehouse=current).exists():
                errors.fields["active"] = [
                    _("An order status sends assets here: change its asset move first.")
                ]
        errors.raise_any()
    current.name, current.position, current.active = name, position, bool(active)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise AssetError({"employee": [_("This employee already has a warehouse.")]}) from None
    return current


@transaction.atomic
def status_move_save(
    *, actor, status: OrderStatus, target: str, warehouse: Warehouse | None = None
) -> StatusMove:
    """Say where an order's asset goes when the order enters ``status``."""
    if target not in StatusMove.Target.values:
        raise AssetError({"target": [_("Choose where the asset goes.")]})
    if target == StatusMove.Target.WAREHOUSE:
        if warehouse is None:
            raise AssetError({"warehouse": [_("Choose the warehouse.")]})
        warehouse = _fresh(warehouse)
        if warehouse.kind != Warehouse.Kind.COMPANY or not warehouse.active:
            raise AssetError({"warehouse": [_("Choose an active company warehouse.")]})
    else:
        warehouse = None
    move, _created = StatusMove.objects.update_or_create(
        status=status, defaults={"target": target, "warehouse": warehouse}
    )
    return move


@dataclass(frozen=True)
class CustomFieldInput:
    key: str
    label: str
    kind: str = CustomField.Kind.TEXT
    choices: tuple[str, ...] = ()
    required: bool = False
    position: int = 0
    active: bool = True


@transaction.atomic
def custom_field_save(
    *, actor, field: AssetCustomField | None = None, data: CustomFieldInput
) -> AssetCustomField:
    """Create (``field=None``) or change an asset custom field definition. The key names
    stored values, so it never changes once created."""
    errors = _Errors()
    label = errors.run(_text, data.label, "label", limit=100, required=True, collapse=True)
    if data.kind not in CustomField.Kind.values:
        errors.fields["kind"] = [_("Choose a type.")]
    choices = [c.strip() for c in data.choices if c and c.strip()]
    if data.kind == CustomField.Kind.CHOICE and not choices:
        errors.fields["choices"] = [_("A choice field needs at least one option.")]
    key = field.key if field is not None else (data.key or "").strip()
    if field is None:
        if not key:
            errors.fields["key"] = [_("This field is required.")]
        elif AssetCustomField.objects.filter(key=key).exists():
            errors.fields["key"] = [_("A field with this key already exists.")]
    errors.raise_any()
    current = field or AssetCustomField(key=key)
    current.label, current.kind, current.required = label, data.kind, bool(data.required)
    current.choices = choices if data.kind == CustomField.Kind.CHOICE else []
    current.position, current.active = data.position, bool(data.active)
    try:
        current.full_clean(exclude=["key"] if field is not None else None)
    except ValidationError as exc:
        raise AssetError(exc.message_dict) from None
    current.save()
    return current
