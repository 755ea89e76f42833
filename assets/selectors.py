"""Reads about assets that pages, tabs, the order panel and the API share."""

from django.db.models import Q, QuerySet

from core.text import fold
from documents.models import Order

from .models import Asset, OrderAsset, StatusMove, Transfer, Warehouse, serial_key

MAX_QUERY = 100
PANEL_CHOICES = 100  # assets offered in an order's "link an asset" form


def asset_search(queryset: QuerySet[Asset], query: str) -> QuerySet[Asset]:
    """Assets whose serial number contains ``query`` (case and spaces around it ignored),
    or whose name has every word of it (accents and case ignored)."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    by_name = Q()
    for word in fold(query).split():
        by_name &= Q(search_name__contains=word)
    return queryset.filter(Q(serial_key__contains=serial_key(query)) | by_name)


def assets_list(employee) -> QuerySet[Asset]:
    """Every asset ``employee`` may see, with what a list row shows, newest first."""
    return Asset.objects.visible_to(employee).with_card().order_by("-id")


def client_assets(client, employee) -> QuerySet[Asset]:
    return assets_list(employee).filter(owner=client)


def asset_transfers(asset: Asset) -> QuerySet[Transfer]:
    """The asset's moves, newest first, with what a history row shows."""
    return (
        Transfer.objects.filter(asset=asset)
        .select_related("from_warehouse", "to_warehouse", "owner", "employee", "order")
        .order_by("-id")
    )


def asset_orders(asset: Asset, employee) -> QuerySet[Order]:
    """The work orders for ``asset`` that ``employee`` may see, newest first."""
    return (
        Order.objects.visible_to(employee)
        .filter(asset_link__asset=asset)
        .select_related("status", "client", "assignee")
        .order_by("-id")
    )


def order_asset(order: Order) -> Asset | None:
    """The asset ``order`` is for, with its warehouse and owner, or None."""
    link = (
        OrderAsset.objects.filter(order_id=order.pk)
        .select_related("asset__warehouse", "asset__owner")
        .first()
    )
    return link.asset if link is not None else None


def linkable_assets(order: Order) -> list[Asset]:
    """The order's client's active assets, offered in the order's "link an asset" form."""
    return list(
        Asset.objects.filter(owner_id=order.client_id, status=Asset.Status.ACTIVE)
        .select_related("warehouse")
        .order_by("-id")[:PANEL_CHOICES]
    )


def move_targets(asset: Asset | None = None) -> QuerySet[Warehouse]:
    """The warehouses an asset may be moved to: active ones ("At client" only for a client's
    asset), the one it is in left out."""
    warehouses = Warehouse.objects.filter(active=True).select_related("employee")
    if asset is not None:
        warehouses = warehouses.exclude(pk=asset.warehouse_id)
        if asset.owner_id is None:
            warehouses = warehouses.exclude(kind=Warehouse.Kind.CLIENT)
    return warehouses.order_by("position", "name", "id")


def status_moves() -> dict[int, StatusMove]:
    """Each order status's asset move, by status id."""
    return {m.status_id: m for m in StatusMove.objects.select_related("warehouse")}
