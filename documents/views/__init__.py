"""The documents app's pages: the catalog, the client's Documents tab and the dialogs."""

from .catalog import product_edit, product_list, service_edit, service_list
from .estimates import (
    estimate_convert,
    estimate_create,
    estimate_detail,
    estimate_edit,
    estimate_item_add,
    estimate_item_edit,
    estimate_item_remove,
    estimate_status,
)
from .orders import (
    order_close,
    order_create,
    order_detail,
    order_edit,
    order_item_add,
    order_item_edit,
    order_item_remove,
    order_prepay,
    order_reopen,
    order_status,
)
from .picker import catalog_pick_view
from .sales import sale_create, sale_detail, sale_quote, sale_return
from .settings import order_status_edit, order_status_list
from .tab import documents_tab

__all__ = [
    "catalog_pick_view",
    "documents_tab",
    "estimate_convert",
    "estimate_create",
    "estimate_detail",
    "estimate_edit",
    "estimate_item_add",
    "estimate_item_edit",
    "estimate_item_remove",
    "estimate_status",
    "order_close",
    "order_create",
    "order_detail",
    "order_edit",
    "order_item_add",
    "order_item_edit",
    "order_item_remove",
    "order_prepay",
    "order_reopen",
    "order_status",
    "order_status_edit",
    "order_status_list",
    "product_edit",
    "product_list",
    "sale_create",
    "sale_detail",
    "sale_quote",
    "sale_return",
    "service_edit",
    "service_list",
]
