"""The catalog's services check every rule themselves, and the database backs them up."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from documents import services
from documents.models import Product, Service
from documents.services import CatalogError

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def rows(model) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
    return sorted(model.objects.values_list(*fields))


# --- services -------------------------------------------------------------------------------


def test_service_create_keeps_what_was_given(manager):
    service = services.service_create(
        actor=manager, title="  Screen   replacement ", price="180.5", warranty_days=90
    )
    service.refresh_from_db()
    assert (service.title, service.price, service.warranty_days, service.active) == (
        "Screen replacement",
        Decimal("180.50"),
        90,
        True,
    )
    assert service.search_text == "screen replacement"


def test_service_update_changes_only_what_is_given(manager):
    service = ServiceFactory(title="Diagnosis", price=Decimal("50"), warranty_days=30)
    services.service_update(actor=manager, service=service, price=Decimal("60.00"))
    service.refresh_from_db()
    assert (service.title, service.price, service.warranty_days) == ("Diagnosis", 60, 30)
    services.service_update(actor=manager, service=service, title="Diagnóstico", active=False)
    service.refresh_from_db()
    assert (service.title, service.search_text, service.active) == (
        "Diagnóstico",
        "diagnostico",
        False,
    )


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": ""}, {"title": ["This field is required."]}),
        ({"title": "  \t "}, {"title": ["This field is required."]}),
        (
            {"title": "x" * 201},
            {"title": ["Ensure this value has at most 200 characters."]},
        ),
        ({"price": Decimal("-0.01")}, {"price": ["Enter an amount of zero or more."]}),
        ({"price": "1.001"}, {"price": ["Use at most 2 decimal places."]}),
        ({"price": "NaN"}, {"price": ["Enter a number."]}),
        ({"price": "ten"}, {"price": ["Enter a number."]}),
        (
            {"price": Decimal("1000000000")},
            {"price": ["The amount may be at most R$999,999,999.99."]},
        ),
        ({"warranty_days": -1}, {"warranty_days": ["Enter a number of days from 0 to 3650."]}),
        ({"warranty_days": 3651}, {"warranty_days": ["Enter a number of days from 0 to 3650."]}),
        ({"warranty_days": "30"}, {"warranty_days": ["Enter a whole number."]}),
        ({"warranty_days": True}, {"warranty_days": ["Enter a whole number."]}),
    ],
)
def test_bad_service_values_are_refused_and_nothing_is_written(manager, fields, errors):
    kept = ServiceFactory(title="Kept")
    before = rows(Service)
    good = {"title": "Cleaning", "price": Decimal("20"), "warranty_days": 0}
    with pytest.raises(CatalogError) as refused:
        services.service_create(actor=manager, **{**good, **fields})
    assert refused.value.message_dict == errors
    with pytest.raises(CatalogError):
        services.service_update(actor=manager, service=kept, **fields)
    assert kept.title == "Kept", "a refused change leaves the object as it was read"
    assert rows(Service) == before


# --- products -------------------------------------------------------------------------------


def test_product_sku_is_stored_as_typed_and_searchable(manager):
    product = services.product_create(
        actor=manager, sku=" Ab-12x ", title="Tela iPhone 11", price="300", cost="120.40"
    )
    product.refresh_from_db()
    assert (product.sku, product.title, product.price, product.cost) == (
        "Ab-12x",
        "Tela iPhone 11",
        Decimal("300.00"),
        Decimal("120.40"),
    )
    assert product.search_text == "tela iphone 11 ab-12x"


def test_product_cost_defaults_to_zero(manager):
    product = services.product_create(actor=manager, sku="C-1", title="Cable", price="10")
    assert product.cost == Decimal("0.00")


@pytest.mark.parametrize("sku", ["AB-12", "ab-12", "Ab-12", " aB-12 "])
def test_a_sku_is_unique_whatever_its_case(manager, sku):
    ProductFactory(sku="ab-12", title="First")
    before = rows(Product)
    with pytest.raises(CatalogError) as refused:
        services.product_create(actor=manager, sku=sku, title="Second", price="1")
    assert refused.value.message_dict == {"sku": ["A product with this SKU already exists."]}
    assert rows(Product) == before


def test_a_product_may_keep_its_sku_or_change_its_case(manager):
    product = ProductFactory(sku="ab-12", title="Battery")
    services.product_update(actor=manager, product=product, sku="ab-12", title="Battery 2")
    services.product_update(actor=manager, product=product, sku="AB-12")
    product.refresh_from_db()
    assert (product.sku, product.title) == ("AB-12", "Battery 2")


def test_a_product_cannot_take_another_products_sku(manager):
    ProductFactory(sku="X-1")
    product = ProductFactory(sku="Y-1", title="Mine")
    before = rows(Product)
    with pytest.raises(CatalogError) as refused:
        services.product_update(actor=manager, product=product, sku="x-1", title="Renamed")
    assert refused.value.message_dict == {"sku": ["A product with this SKU already exists."]}
    assert (product.sku, product.title) == ("Y-1", "Mine")
    assert rows(Product) == before


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"sku": ""}, {"sku": ["This field is required."]}),
        ({"sku": "   "}, {"sku": ["This field is required."]}),
        ({"sku": "S" * 65}, {"sku": ["Ensure this value has at most 64 characters."]}),
        ({"title": ""}, {"title": ["This field is required."]}),
        ({"price": "-5"}, {"price": ["Enter an amount of zero or more."]}),
        ({"cost": "-0.01"}, {"cost": ["Enter an amount of zero or more."]}),
        ({"cost": "0.005"}, {"cost": ["Use at most 2 decimal places."]}),
    ],
)
def test_bad_product_values_are_refused_and_nothing_is_written(manager, fields, errors):
    kept = ProductFactory(sku="KEEP", title="Kept")
    before = rows(Product)
    good = {"sku": "NEW-1", "title": "Charger", "price": "10", "cost": "5"}
    with pytest.raises(CatalogError) as refused:
        services.product_create(actor=manager, **{**good, **fields})
    assert refused.value.message_dict == errors
    with pytest.raises(CatalogError):
        services.product_update(actor=manager, product=kept, **fields)
    assert (kept.sku, kept.title) == ("KEEP", "Kept")
    assert rows(Product) == before


def test_a_duplicate_sku_reaching_the_database_fails_in_a_savepoint(manager, monkeypatch):
    """Two saves racing past the check: the unique index refuses the second, which reads like
    the check's refusal, and the caller's transaction stays usable."""
    ProductFactory(sku="RACE-1")
    monkeypatch.setattr(services, "_check_sku_free", lambda sku, exclude_pk=None: None)
    with transaction.atomic():
        with pytest.raises(CatalogError) as refused:
            services.product_create(actor=manager, sku="race-1", title="Late", price="1")
        assert refused.value.message_dict == {"sku": ["A product with this SKU already exists."]}
        assert Product.objects.count() == 1  # the transaction still answers


# --- the database's own checks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Service, {"title": "x", "price": Decimal("-1")}),
        (Service, {"title": "x", "price": Decimal("1"), "warranty_days": -1}),
        (Product, {"sku": "N-1", "title": "x", "price": Decimal("-1")}),
        (Product, {"sku": "N-2", "title": "x", "price": Decimal("1"), "cost": Decimal("-1")}),
        (Product, {"sku": "", "title": "x", "price": Decimal("1")}),
    ],
)
def test_the_database_refuses_negative_money_and_empty_skus(model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_the_database_refuses_a_sku_differing_only_in_case():
    ProductFactory(sku="case-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(sku="CASE-1")
