"""Assets: registering, editing, moving (an immutable transfer, under a lock on the asset
row) and writing off; and the warehouses an asset is sent to."""

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from documents.models import Order

from ..models import (
    COMMENT_MAX,
    Asset,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    Transfer,
    Warehouse,
    serial_key,
)
from .checks import (
    ASSET_FIELDS,
    DIRECTORY_FIELDS,
    MAX_NOTE,
    UNSET,
    AssetError,
    DuplicateSerial,
    _check_owner,
    _check_place,
    _check_serial_free,
    _custom_fields,
    _directory,
    _Errors,
    _fresh,
    _name,
    _photo,
    _text,
    _wh,
    _written_off,
    build_name,
    clean_serial,
)

# --- warehouses an asset is sent to ----------------------------------------------------------


def client_warehouse() -> Warehouse:
    """The one warehouse meaning "with its owner". A database emptied since the data
    migration (a test flush, a restore of the data alone) gets it back."""
    warehouse = Warehouse.objects.filter(kind=Warehouse.Kind.CLIENT).first()
    if warehouse is None:
        warehouse, _created = Warehouse.objects.get_or_create(
            kind=Warehouse.Kind.CLIENT,
            defaults={"name": _("At client"), "system_code": "at_client"},
        )
    return warehouse


def employee_warehouse(employee) -> Warehouse:
    """What ``employee`` holds: created the first time anything moves to them."""
    warehouse, _created = Warehouse.objects.get_or_create(
        employee=employee,
        defaults={"kind": Warehouse.Kind.EMPLOYEE, "name": str(employee)[:100]},
    )
    return warehouse


# --- assets ----------------------------------------------------------------------------------


def _lock(asset: Asset) -> Asset:
    """The asset row, locked, then read with its warehouse and directory entries.

    The lock is taken by a query without joins: on PostgreSQL a ``FOR UPDATE`` that waited
    for another move re-checks its joins against the row's new version, and a join on the
    warehouse it just left would find no row at all.
    """
    Asset.objects.select_for_update().filter(pk=asset.pk).values_list("pk").get()
    return Asset.objects.select_related("warehouse", *DIRECTORY_FIELDS).get(pk=asset.pk)


def _save_new(asset: Asset) -> None:
    try:
        # A savepoint: an asset saved with the same serial number since the check (the
        # unique index refuses it) fails here, not the caller's whole transaction.
        with transaction.atomic():
            asset.save()
    except IntegrityError:
        existing = Asset.objects.filter(serial_key=serial_key(asset.serial)).first()
        if existing is None:
            raise
        raise DuplicateSerial(existing) from None


def _store_photo(asset: Asset, checked) -> str:
    """Save the photo's file and point ``asset`` at it. Returns the old file's name, deleted
    once the change is committed (``_drop_after_commit``)."""
    old = asset.photo.name if asset.photo else ""
    asset.photo.name = default_storage.save(checked.name, checked.file)
    return old


def _drop_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _record_move(*, actor, locked: Asset, to: Warehouse, comment: str, order=None) -> Transfer:
    transfer = Transfer.objects.create(
        asset=locked,
        from_warehouse=locked.warehouse,
        to_warehouse=to,
        owner_id=locked.owner_id,
        employee=actor,
        order=order,
        comment=comment,
    )
    now = timezone.now()
    Asset.objects.filter(pk=locked.pk).update(warehouse=to, updated_at=now)
    locked.warehouse, locked.updated_at = to, now
    return transfer


@transaction.atomic
def asset_create(
    *,
    actor,
    serial: str,
    owner: Client | None = None,
    warehouse: Warehouse | None = None,
    name: str = "",
    group: AssetGroup | None = None,
    brand: Brand | None = None,
    model: AssetModel | None = None,
    modification: Modification | None = None,
    comment: str = "",
    custom_fields: dict | None = None,
    photo=None,
) -> Asset:
    """Register an asset of ``owner`` (None: the company's) in ``warehouse``.

    Without a warehouse a client's asset is "At client"; a company asset needs one. The name
    is ``name`` when given, else built from the directory. The first transfer records where
    the asset was received.
    """
    owner = _check_owner(owner)
    errors = _Errors()
    serial = errors.run(clean_serial, serial)
    directory = errors.run(
        _directory,
        None,
        {"group": group, "brand": brand, "model": model, "modification": modification},
    )
    if directory is not None:
        name = errors.run(_name, name, directory)
    comment = errors.run(_text, comment, "comment", limit=COMMENT_MAX)
    custom = errors.run(_custom_fields, {}, {} if custom_fields is None else custom_fields)
    if warehouse is None and owner is None:
        errors.fields["warehouse"] = [_("Choose the warehouse a company asset is kept in.")]
    elif warehouse is None:
        warehouse = client_warehouse()
    if warehouse is not None:
        errors.run(_check_place, owner is not None, warehouse)
    checked = errors.run(_photo, photo) if photo is not None else None
    if serial:
        errors.run(_check_serial_free, serial)
    errors.raise_any()

    asset = Asset(
        serial=serial,
        name=name,
        owner=owner,
        warehouse=warehouse,
        comment=comment,
        custom_fields=custom,
        created_by=actor,
        **directory,
    )
    if checked is not None:
        _store_photo(asset, checked)
    try:
        _save_new(asset)
        Transfer.objects.create(
            asset=asset, to_warehouse=warehouse, owner=owner, employee=actor, comment=""
        )
    except BaseException:
        if checked is not None:
            default_storage.delete(asset.photo.name)
        raise
    return asset


@transaction.atomic
def asset_update(
    *,
    actor,
    asset: Asset,
    warehouse: Warehouse | None = None,
    move_comment: str = "",
    photo=UNSET,
    **fields,
) -> Asset:
    """Change the given fields of an asset (absent ones stay as they are); returns it as
    saved.

    ``fields``: serial, name, owner, group, brand, model, modification, comment,
    custom_fields (a partial update of the values). A name that was the directory's follows
    a change of group, brand, model or modification; a free-text name stays unless ``name``
    is sent (empty: build it from the directory). ``warehouse`` moves the asset in the same
    transaction (a transfer with ``move_comment``); ``photo``: a new file, or None to remove
    it.
    """
    unknown = set(fields) - ASSET_FIELDS
    if unknown:
        raise TypeError(f"unknown asset fields: {', '.join(sorted(unknown))}")
    locked = _lock(asset)
    errors = _Errors()
    changes: dict = {}
    if "serial" in fields:
        serial = errors.run(clean_serial, fields["serial"])
        if serial:
            errors.run(_check_serial_free, serial, exclude_pk=locked.pk)
            changes["serial"] = serial
    if "owner" in fields:
        changes["owner"] = _check_owner(fields["owner"])
    chosen = {f: fields[f] for f in DIRECTORY_FIELDS if f in fields}
    directory = errors.run(_directory, locked, chosen)
    if directory is not None:
        changes.update(directory)
        if "name" in fields:
            changes["name"] = errors.run(_name, fields["name"], directory)
        else:
            was_built = locked.name == build_name(
                **{f: getattr(locked, f) for f in DIRECTORY_FIELDS}
            )
            built = build_name(**directory)
            if was_built and built:
                changes["name"] = built
    if "comment" in fields:
        changes["comment"] = errors.run(_text, fields["comment"], "comment", limit=COMMENT_MAX)
    if "custom_fields" in fields:
        changes["custom_fields"] = errors.run(
            _custom_fields, locked.custom_fields, fields["custom_fields"]
        )
    move_comment = errors.run(_text, move_comment, "comment", limit=MAX_NOTE)
    has_owner = changes.get("owner", locked.owner_id) is not None
    moving = warehouse is not None and warehouse.pk != locked.warehouse_id
    if moving:
        if locked.is_written_off:
            errors.fields.setdefault("warehouse", []).append(_written_off(locked))
        else:
            errors.run(_check_place, has_owner, _fresh(warehouse))
    elif "owner" in changes:
        errors.run(_check_place, has_owner, locked.warehouse, "owner")
    checked = errors.run(_photo, photo) if photo not in (UNSET, None) else None
    errors.raise_any()

    for field, value in changes.items():
        setattr(locked, field, value)
    old_photo = ""
    if checked is not None:
        old_photo = _store_photo(locked, checked)
    elif photo is None and locked.photo:
        old_photo, locked.photo = locked.photo.name, ""
    try:
        try:
            with transaction.atomic():
                locked.save(update_fields=[*changes, "photo", "updated_at"])
        except IntegrityError:
            existing = Asset.objects.filter(serial_key=serial_key(locked.serial)).first()
            if existing is None:
                raise
            raise DuplicateSerial(existing) from None
        if moving:
            _record_move(actor=actor, locked=locked, to=warehouse, comment=move_comment)
    except BaseException:
        if checked is not None:  # the new file must not stay behind
            default_storage.delete(locked.photo.name)
        raise
    _drop_after_commit(old_photo)
    return locked


@transaction.atomic
def asset_move(
    *, actor, asset: Asset, warehouse: Warehouse, comment: str = "", order: Order | None = None
) -> Transfer:
    """Move an asset to another warehouse: an immutable transfer (from, to, who, when,
    comment), under a lock on the asset row. Moving back is another transfer.

    Refused for a written-off asset, to the warehouse it is in, to an inactive warehouse,
    and to "At client" for a company asset.
    """
    comment = _text(comment, "comment", limit=MAX_NOTE)
    target = _fresh(warehouse)
    locked = _lock(asset)
    if locked.is_written_off:
        raise AssetError({"warehouse": [_written_off(locked)]})
    if target.pk == locked.warehouse_id:
        raise AssetError({"warehouse": [_("The asset is already in “%(name)s”.") % _wh(target)]})
    _check_place(locked.owner_id is not None, target)
    transfer = _record_move(actor=actor, locked=locked, to=target, comment=comment, order=order)
    asset.warehouse, asset.updated_at = locked.warehouse, locked.updated_at
    return transfer


@transaction.atomic
def asset_write_off(*, actor, asset: Asset, reason: str) -> Asset:
    """Write an asset off (lost, scrapped, returned to the maker): it stays where it is,
    keeps its history, and can no longer be moved or linked to an order."""
    reason = _text(reason, "reason", limit=MAX_NOTE, required=True)
    locked = _lock(asset)
    if locked.is_written_off:
        raise AssetError(_("Asset %(serial)s is already written off.") % {"serial": locked.serial})
    locked.status = Asset.Status.WRITTEN_OFF
    locked.written_off_at = timezone.now()
    locked.written_off_by = actor
    locked.write_off_reason = reason
    locked.save(
        update_fields=[
            "status",
            "written_off_at",
            "written_off_by",
            "write_off_reason",
            "updated_at",
        ]
    )
    asset.status, asset.written_off_at = locked.status, locked.written_off_at
    return locked


def client_delete_refusal(client: Client) -> str | None:
    """The clients app's delete guard: a client who owns assets is archived, not deleted."""
    if Asset.objects.filter(owner=client).exists():
        return _("The client owns assets: archive the client instead.")
    return None
