"""The documents app's models, one module per kind of document."""

from .catalog import LISTING_ORDER, MONEY, SKU_MAX, TITLE_MAX, CatalogItem, Product, Service
from .estimates import Estimate, EstimateItem
from .lines import LineItem
from .orders import Order, OrderItem, OrderStatus, OrderStatusChange
from .sales import Sale, SaleItem, SaleReturn, SaleReturnLine
from .sequence import DocumentSequence

__all__ = [
    "LISTING_ORDER",
    "MONEY",
    "SKU_MAX",
    "TITLE_MAX",
    "CatalogItem",
    "DocumentSequence",
    "Estimate",
    "EstimateItem",
    "LineItem",
    "Order",
    "OrderItem",
    "OrderStatus",
    "OrderStatusChange",
    "Product",
    "Sale",
    "SaleItem",
    "SaleReturn",
    "SaleReturnLine",
    "Service",
]
