"""A small demo directory of phones and notebooks and about twenty assets of the first
clients: some waiting in "Pending repair", some linked to the demo's open orders (which
moves them as the order's status says)."""

from random import Random

from assets import services as asset_services
from assets.models import Warehouse
from clients.models import Client
from documents.models import Order

from .content import Content

# (brand, phone or notebook, [(model, [modifications])]) for the demo's asset directory.
ASSET_DIRECTORY = [
    ("Apple", "phone", [("iPhone 11", ["64 GB", "128 GB"]), ("iPhone 13", ["128 GB", "256 GB"])]),
    ("Samsung", "phone", [("Galaxy A54", ["128 GB"]), ("Galaxy S23", ["256 GB"])]),
    ("Motorola", "phone", [("Moto G84", [])]),
    ("Dell", "notebook", [("Inspiron 15", ["i5 / 8 GB", "i7 / 16 GB"])]),
    ("Lenovo", "notebook", [("IdeaPad 3", [])]),
]


def load(rng: Random, content: Content, employees) -> None:
    admin, manager = employees[:2]
    phone_name, notebook_name = content.asset_groups
    smartphone = asset_services.group_save(actor=admin, name=phone_name)
    notebook = asset_services.group_save(actor=admin, name=notebook_name)
    catalog_models = []
    for brand_name, group, models in ASSET_DIRECTORY:
        brand = asset_services.brand_save(actor=admin, name=brand_name)
        for model_name, modifications in models:
            model = asset_services.model_save(actor=admin, brand=brand, name=model_name)
            variants = [
                asset_services.modification_save(actor=admin, model=model, name=name)
                for name in modifications
            ] or [None]
            kind = smartphone if group == "phone" else notebook
            catalog_models += [(kind, model, variant) for variant in variants]
    pending = Warehouse.objects.filter(kind=Warehouse.Kind.COMPANY).order_by("position").first()
    for i, client in enumerate(Client.objects.order_by("pk")[:20]):
        group, model, modification = rng.choice(catalog_models)
        serial = (
            "".join(str(rng.randint(0, 9)) for _ in range(15))
            if group == smartphone
            else f"{model.brand.name[:2].upper()}{rng.randint(10**7, 10**8 - 1)}"
        )
        asset = asset_services.asset_create(
            actor=manager,
            serial=serial,
            owner=client,
            group=group,
            model=model,
            modification=modification,
            comment=rng.choice(content.asset_comments),
        )
        order = Order.objects.filter(client=client).select_related("status").first()
        if order is not None and asset_services.order_is_open(order) and i % 3 != 2:
            asset_services.order_asset_link(actor=manager, order=order, asset=asset)
        elif i % 4 == 1 and pending is not None:
            asset_services.asset_move(
                actor=manager, asset=asset, warehouse=pending, comment=content.move_comment
            )
    asset_services.asset_create(
        actor=admin, serial="LOAN-0001", name=content.loan_device, warehouse=pending
    )
