"""Every change to assets, warehouses, the directory and the asset moves of order statuses
goes through these functions (pages, API, commands, tests).

Each checks its input itself, whoever calls it, and writes in one transaction; a refused
change raises ``AssetError`` (field → messages) and writes nothing. An asset's warehouse
changes only through a move, under a lock on the asset row, and leaves an immutable
``Transfer``. When a work order is involved the order row is locked first (by
``documents.orders``, or here when linking), then the asset: always in that order.

One module per area: ``assets`` (create, update, move, write off), ``orders`` (the order's
asset and the moves of its status changes), ``settings`` (directory, warehouses, status
moves, custom fields); ``checks`` holds what they share.
"""

from .assets import (
    asset_create,
    asset_move,
    asset_update,
    asset_write_off,
    client_delete_refusal,
    client_warehouse,
    employee_warehouse,
)
from .checks import (
    MAX_NOTE,
    UNSET,
    AssetError,
    DuplicateSerial,
    build_name,
    clean_serial,
)
from .orders import (
    asset_order_create,
    order_asset_link,
    order_is_open,
    order_status_moved,
)
from .settings import (
    CustomFieldInput,
    brand_save,
    custom_field_save,
    group_save,
    model_save,
    modification_save,
    status_move_save,
    warehouse_save,
)

__all__ = [
    "MAX_NOTE",
    "UNSET",
    "AssetError",
    "CustomFieldInput",
    "DuplicateSerial",
    "asset_create",
    "asset_move",
    "asset_order_create",
    "asset_update",
    "asset_write_off",
    "brand_save",
    "build_name",
    "clean_serial",
    "client_delete_refusal",
    "client_warehouse",
    "custom_field_save",
    "employee_warehouse",
    "group_save",
    "model_save",
    "modification_save",
    "order_asset_link",
    "order_is_open",
    "order_status_moved",
    "status_move_save",
    "warehouse_save",
]
