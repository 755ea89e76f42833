"""What the asset services share: their refusal (``AssetError``), the checks of each input,
and the name the directory gives an asset. Every check raises ``AssetError`` with the field
it is about."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clients.models import Client

from ..custom_fields import merge_custom_fields
from ..models import (
    NAME_MAX,
    SERIAL_MAX,
    Asset,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    Warehouse,
    serial_key,
)
from ..photos import check_photo

MAX_NOTE = 500
UNSET = object()
DIRECTORY_FIELDS = ("group", "brand", "model", "modification")
ASSET_FIELDS = {"serial", "name", "owner", *DIRECTORY_FIELDS, "comment", "custom_fields"}


class AssetError(ValidationError):
    """An asset change was refused; nothing was written. The messages say why, per field.

    ``existing`` names the asset that already has the serial number, when that is a reason.
    """

    existing: Asset | None = None


class DuplicateSerial(AssetError):
    """The serial number belongs to another asset, which ``existing`` names."""

    def __init__(self, existing: Asset):
        super().__init__(
            {
                "serial": [
                    _("This serial number already belongs to asset #%(id)d, %(name)s.")
                    % {"id": existing.pk, "name": existing.name}
                ]
            }
        )
        self.existing = existing


class _Errors:
    """Refusals gathered from several checks, so a form shows every error at once."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}
        self.existing: Asset | None = None

    def run(self, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except AssetError as exc:
            for field, messages in exc.message_dict.items():
                self.fields.setdefault(field, []).extend(messages)
            self.existing = self.existing or exc.existing
            return None

    def raise_any(self) -> None:
        if self.fields:
            error = AssetError(self.fields)
            error.existing = self.existing
            raise error


def _too_long(limit: int) -> str:
    return _("Ensure this value has at most %(limit)d characters.") % {"limit": limit}


def _text(value, field: str, *, limit: int, required: bool = False, collapse: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        raise AssetError({field: [_("Enter text.")]})
    text = " ".join((value or "").split()) if collapse else (value or "").strip()
    if required and not text:
        raise AssetError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise AssetError({field: [_too_long(limit)]})
    return text


def clean_serial(value) -> str:
    """The serial number as stored: spaces around it dropped, inner runs of spaces made one."""
    return _text(value, "serial", limit=SERIAL_MAX, required=True, collapse=True)


def _check_serial_free(serial: str, *, exclude_pk: int | None = None) -> None:
    existing = Asset.objects.filter(serial_key=serial_key(serial)).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise DuplicateSerial(existing)


def build_name(group=None, brand=None, model=None, modification=None) -> str:
    """The name the directory gives: "Smartphone Apple iPhone 13 128 GB"."""
    parts = [entry.name for entry in (group, brand, model, modification) if entry is not None]
    return " ".join(" ".join(parts).split())[:NAME_MAX]


def _directory(current: Asset | None, chosen: dict) -> dict:
    """The group, brand, model and modification after ``chosen`` applies to ``current``'s,
    consistent with each other: a modification names its model, a model its brand. A newly
    chosen entry must be active (an asset keeps an entry deactivated since)."""
    values = {f: getattr(current, f) if current else None for f in DIRECTORY_FIELDS}
    values.update({f: chosen[f] for f in DIRECTORY_FIELDS if f in chosen})
    errors: dict[str, list[str]] = {}
    kinds = {"group": AssetGroup, "brand": Brand, "model": AssetModel, "modification": Modification}
    for field, kind in kinds.items():
        entry = values[field]
        if entry is None:
            continue
        if not isinstance(entry, kind):
            raise TypeError(f"{field} must be a {kind.__name__}")
        unchanged = current is not None and getattr(current, f"{field}_id") == entry.pk
        if not entry.active and not unchanged:
            errors[field] = [_("“%(name)s” is no longer offered.") % {"name": entry.name}]
    modification, model, brand = values["modification"], values["model"], values["brand"]
    if modification is not None:
        if model is None:
            model = values["model"] = modification.model
        elif modification.model_id != model.pk:
            errors["modification"] = [_("This modification is not of the chosen model.")]
    if model is not None:
        if brand is None:
            brand = values["brand"] = model.brand
        elif model.brand_id != brand.pk:
            errors["model"] = [_("This model is not of the chosen brand.")]
    if errors:
        raise AssetError(errors)
    return values


def _name(value, directory: dict) -> str:
    """A free-text name as typed, or else the directory's."""
    name = _text(value, "name", limit=NAME_MAX, collapse=True)
    if name:
        return name
    built = build_name(**directory)
    if not built:
        raise AssetError({"name": [_("Enter a name, or choose a group, brand or model.")]})
    return built


def _custom_fields(stored: dict, sent) -> dict:
    if not isinstance(sent, dict):
        raise AssetError({"custom_fields": [_("Expected an object of field keys and values.")]})
    try:
        return merge_custom_fields(stored, sent)
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise AssetError(
            {
                "custom_fields": [
                    f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in messages.items()
                ]
            }
        ) from None


def _check_owner(owner) -> Client | None:
    if owner is not None and not isinstance(owner, Client):
        raise TypeError("owner must be a Client or None")
    return owner


def _check_place(has_owner: bool, warehouse: Warehouse, field: str = "warehouse") -> None:
    """An asset may be in ``warehouse``: an active one, and "At client" only with an owner."""
    if not warehouse.active:
        raise AssetError({field: [_("The warehouse “%(name)s” is inactive.") % _wh(warehouse)]})
    if warehouse.is_client and not has_owner:
        raise AssetError(
            {field: [_("A company asset has no client to be with: choose another warehouse.")]}
        )


def _wh(warehouse: Warehouse) -> dict:
    return {"name": warehouse.display_name}


def _photo(upload):
    try:
        return check_photo(upload)
    except ValidationError as exc:
        raise AssetError(exc.message_dict) from None


def _written_off(asset: Asset) -> str:
    return _("Asset %(serial)s is written off: it cannot be moved.") % {"serial": asset.serial}


def _fresh(warehouse: Warehouse) -> Warehouse:
    """The warehouse as it is now (it may have been deactivated since it was read)."""
    if not isinstance(warehouse, Warehouse):
        raise AssetError({"warehouse": [_("Choose a warehouse.")]})
    fresh = Warehouse.objects.filter(pk=warehouse.pk).first()
    if fresh is None:
        raise AssetError({"warehouse": [_("Choose a warehouse.")]})
    return fresh
