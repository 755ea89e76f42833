"""Rows the assets tests start from. Changes under test go through ``assets.services``;
these factories only set up the directory, warehouses and assets a test begins with."""

import factory

from assets.models import Asset, AssetGroup, AssetModel, Brand, Modification, Warehouse
from assets.services import client_warehouse
from clients.tests.factories import ClientFactory


class AssetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Brand {n}")


class AssetModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetModel

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Model {n}")


class ModificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Modification

    model = factory.SubFactory(AssetModelFactory)
    name = factory.Sequence(lambda n: f"{n * 64} GB")


class WarehouseFactory(factory.django.DjangoModelFactory):
    """A company warehouse."""

    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"Shelf {n}")
    kind = Warehouse.Kind.COMPANY
    position = 10


class AssetFactory(factory.django.DjangoModelFactory):
    """A client's active asset, "At client", with a free-text name (no transfer row: use
    ``assets.services.asset_create`` when the history matters)."""

    class Meta:
        model = Asset

    serial = factory.Sequence(lambda n: f"SN-{n:06d}")
    name = factory.Sequence(lambda n: f"Phone {n}")
    owner = factory.SubFactory(ClientFactory)
    warehouse = factory.LazyFunction(client_warehouse)
