"""Assets and work orders: the asset an order is for, and the moves its status changes
make (the ``documents.hooks`` status listener). The order row is locked first, then the
asset."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents import orders as order_services
from documents.models import Order, OrderStatus

from ..models import Asset, OrderAsset, StatusMove, Warehouse
from .assets import _lock, _record_move, client_warehouse, employee_warehouse
from .checks import AssetError


def _rule_target(rule: StatusMove, order: Order, asset: Asset) -> Warehouse | None:
    """Where ``rule`` sends the order's asset, or None when it cannot apply."""
    if rule.target == StatusMove.Target.CLIENT:
        return client_warehouse() if asset.owner_id is not None else None
    if rule.target == StatusMove.Target.ASSIGNEE:
        return employee_warehouse(order.assignee) if order.assignee_id else None
    if rule.target == StatusMove.Target.WAREHOUSE:
        return rule.warehouse
    return None


def _apply_status_move(*, actor, order: Order, asset_id: int, status: OrderStatus):
    """Move the order's asset where ``status`` sends it, if anywhere.

    Nothing happens (no refusal) when the rule cannot apply: a written-off asset stays where
    it is and the order's status still changes; an order without an assignee, a company
    asset sent "back to the client", an inactive target or the asset already there move
    nothing either. A status change of the order is never blocked by its asset.
    """
    rule = (
        StatusMove.objects.filter(status_id=status.pk)
        .exclude(target=StatusMove.Target.NONE)
        .select_related("warehouse")
        .first()
    )
    if rule is None:
        return None
    locked = _lock(Asset(pk=asset_id))
    if locked.is_written_off:
        return None
    target = _rule_target(rule, order, locked)
    if target is None or not target.active or target.pk == locked.warehouse_id:
        return None
    return _record_move(actor=actor, locked=locked, to=target, comment="", order=order)


def order_status_moved(*, actor, order: Order, from_status, to_status) -> None:
    """The ``documents.hooks`` status listener: runs inside the order's status change (its
    row already locked) and moves the order's asset as the new status says."""
    link = OrderAsset.objects.filter(order_id=order.pk).values_list("asset_id", flat=True).first()
    if link is not None:
        _apply_status_move(actor=actor, order=order, asset_id=link, status=to_status)


def order_is_open(order: Order) -> bool:
    """An order that may still change (not closed, not cancelled): one can link its asset."""
    return order.status.group not in order_services.FINISHED_GROUPS


@transaction.atomic
def order_asset_link(*, actor, order: Order, asset: Asset) -> OrderAsset:
    """Say which asset an open work order is for: one of the order's client's active
    assets, once per order. The asset then goes where the order's current status sends it
    (as if the order had just entered it)."""
    # Locked without joins, then read with its status (see ``assets._lock``).
    Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").get()
    locked_order = Order.objects.select_related("status").get(pk=order.pk)
    if not order_is_open(locked_order):
        raise AssetError(
            _("Order %(number)s is finished: its asset cannot change.")
            % {"number": locked_order.number}
        )
    if OrderAsset.objects.filter(order_id=locked_order.pk).exists():
        raise AssetError(
            _("Order %(number)s already has an asset.") % {"number": locked_order.number}
        )
    locked = _lock(asset)
    if locked.is_written_off:
        raise AssetError({"asset": [_("A written-off asset cannot be linked to an order.")]})
    if locked.owner_id != locked_order.client_id:
        raise AssetError({"asset": [_("Choose one of the order's client's assets.")]})
    try:
        with transaction.atomic():
            link = OrderAsset.objects.create(order=locked_order, asset=locked, created_by=actor)
    except IntegrityError:
        raise AssetError(
            _("Order %(number)s already has an asset.") % {"number": locked_order.number}
        ) from None
    _apply_status_move(
        actor=actor, order=locked_order, asset_id=locked.pk, status=locked_order.status
    )
    return link


@transaction.atomic
def asset_order_create(*, actor, asset: Asset, **order_fields) -> Order:
    """ "+ Order" from an asset's profile: a work order for the asset's owner (through
    ``documents.orders.order_create``), linked to the asset."""
    current = Asset.objects.get(pk=asset.pk)
    if current.owner_id is None:
        raise AssetError(_("A company asset has no client to open an order for."))
    if current.is_written_off:
        raise AssetError({"asset": [_("A written-off asset cannot be linked to an order.")]})
    order = order_services.order_create(actor=actor, client=current.owner, **order_fields)
    order_asset_link(actor=actor, order=order, asset=current)
    return order
