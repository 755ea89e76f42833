"""Catalog items for tests. Writes in tests go through ``documents.services``; these
factories only set up the rows a test starts from."""

from decimal import Decimal

import factory

from documents.models import Product, Service


class ServiceFactory(factory.django.DjangoModelFactory):
    """An active service with a 90-day warranty."""

    class Meta:
        model = Service

    title = factory.Sequence(lambda n: f"Service {n}")
    price = Decimal("100.00")
    warranty_days = 90
    active = True


class ProductFactory(factory.django.DjangoModelFactory):
    """An active product with its own SKU."""

    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("50.00")
    cost = Decimal("30.00")
    active = True
