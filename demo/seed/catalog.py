"""The demo's catalog: the services and products its orders, estimates and sales use."""

from decimal import Decimal

from documents import services as catalog

from .content import Content


def load(content: Content, admin) -> None:
    for title, price, warranty in content.services:
        catalog.service_create(
            actor=admin, title=title, price=Decimal(price), warranty_days=warranty
        )
    for sku, title, price, cost in content.products:
        catalog.product_create(
            actor=admin, sku=sku, title=title, price=Decimal(price), cost=Decimal(cost)
        )
