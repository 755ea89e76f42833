"""The catalog API as API.md describes it: /api/v1/services/ and /api/v1/products/."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from documents.models import Product, Service

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/services/"
PRODUCTS = "/api/v1/products/"
BIG = "x" * 10_000
SERVICE = {"title": "Screen replacement", "price": "180.00", "warranty_days": 90}
PRODUCT = {"sku": "TL-11", "title": "Screen iPhone 11", "price": "300.00", "cost": "120.00"}


def detail(base: str, pk: int) -> str:
    return f"{base}{pk}/"


def snapshot():
    """Everything a refused request must leave as it was."""
    return {
        "services": sorted(
            Service.objects.values_list("id", "title", "price", "warranty_days", "active")
        ),
        "products": sorted(
            Product.objects.values_list("id", "sku", "title", "price", "cost", "active")
        ),
    }


def role_employee(make_employee, name, permissions, **fields):
    role = Role.objects.create(name=name, permissions=permissions)
    return make_employee(role=role, **fields)


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def items():
    return {"service": ServiceFactory(title="Diagnosis"), "product": ProductFactory(sku="P-1")}


# --- reading --------------------------------------------------------------------------------


def test_services_are_listed_with_money_as_strings(api):
    ServiceFactory(title="Diagnosis", price=Decimal("50"), warranty_days=0)
    ServiceFactory(title="Battery swap", price=Decimal("1234.5"), warranty_days=90)
    response = api.get(SERVICES)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [
        {k: row[k] for k in ("title", "price", "warranty_days", "active")}
        for row in body["results"]
    ] == [
        {"title": "Battery swap", "price": "1234.50", "warranty_days": 90, "active": True},
        {"title": "Diagnosis", "price": "50.00", "warranty_days": 0, "active": True},
    ]
    assert set(body["results"][0]) == {
        "id",
        "title",
        "price",
        "warranty_days",
        "active",
        "created_at",
        "updated_at",
    }


def test_products_are_listed_with_sku_and_cost(api):
    product = ProductFactory(sku="Ab-12", title="Tela", price=Decimal("300"), cost=Decimal("1"))
    body = api.get(PRODUCTS).json()
    assert body["results"] == [
        {
            "id": product.pk,
            "sku": "Ab-12",
            "title": "Tela",
            "price": "300.00",
            "cost": "1.00",
            "active": True,
            "created_at": body["results"][0]["created_at"],
            "updated_at": body["results"][0]["updated_at"],
        }
    ]
    assert api.get(detail(PRODUCTS, product.pk)).json() == body["results"][0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "tela"}, ["IP11-TL", "MG-TL", "OLD-1"]),
        ({"search": "ip11"}, ["IP11-TL"]),
        ({"search": "ip11-tl"}, ["IP11-TL"]),
        ({"search": "TELA MOTO"}, ["MG-TL"]),
        ({"search": "cabo"}, []),
        ({"active": "false"}, ["OLD-1"]),
        ({"active": "true", "search": "tela"}, ["IP11-TL", "MG-TL"]),
        ({}, ["IP11-TL", "MG-TL", "OLD-1"]),
    ],
)
def test_products_filter_by_search_and_active(api, params, expected):
    ProductFactory(sku="IP11-TL", title="Tela iPhone 11")
    ProductFactory(sku="MG-TL", title="Tela Moto G")
    ProductFactory(sku="OLD-1", title="Tela antiga", active=False)
    response = api.get(PRODUCTS, params)
    assert response.status_code == 200
    assert [row["sku"] for row in response.json()["results"]] == expected


def test_services_filter_by_search_without_accents(api):
    ServiceFactory(title="Diagnóstico")
    ServiceFactory(title="Limpeza")
    body = api.get(SERVICES, {"search": "diagnostico"}).json()
    assert [row["title"] for row in body["results"]] == ["Diagnóstico"]


def test_a_search_longer_than_100_characters_is_400(api):
    response = api.get(SERVICES, {"search": BIG})
    assert response.status_code == 400
    assert "search" in response.json()


def test_pages_are_capped_at_200(api):
    Service.objects.bulk_create(Service(title=f"S{n}", search_text=f"s{n}") for n in range(205))
    body = api.get(SERVICES, {"page_size": 1000}).json()
    assert (body["count"], len(body["results"])) == (205, 200)
    assert body["next"]


def test_an_unknown_item_is_404(api):
    assert api.get(detail(SERVICES, 999999)).status_code == 404
    assert api.patch(detail(PRODUCTS, 999999), {"title": "x"}, format="json").status_code == 404


# --- writing --------------------------------------------------------------------------------


def test_create_a_service(api):
    response = api.post(SERVICES, {**SERVICE, "title": "  Screen   replacement "}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["price"], body["warranty_days"], body["active"]) == (
        "Screen replacement",
        "180.00",
        90,
        True,
    )
    saved = Service.objects.get(pk=body["id"])
    assert (saved.title, saved.price, saved.warranty_days) == ("Screen replacement", 180, 90)


def test_a_service_needs_only_a_title_and_a_price(api):
    response = api.post(SERVICES, {"title": "Cleaning", "price": "35"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["warranty_days"], response.json()["active"]) == (0, True)


def test_create_a_product(api):
    response = api.post(PRODUCTS, {**PRODUCT, "sku": " Ab-12 "}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sku"], body["price"], body["cost"]) == ("Ab-12", "300.00", "120.00")
    assert Product.objects.get(pk=body["id"]).sku == "Ab-12"


def test_a_product_without_cost_costs_zero(api):
    body = {k: v for k, v in PRODUCT.items() if k != "cost"}
    response = api.post(PRODUCTS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["cost"] == "0.00"


def test_patch_changes_only_what_is_sent(api):
    service = ServiceFactory(title="Diagnosis", price=Decimal("50"), warranty_days=30)
    response = api.patch(detail(SERVICES, service.pk), {"price": "55.90"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["price"]) == ("Diagnosis", "55.90")
    service.refresh_from_db()
    assert (service.title, service.price, service.warranty_days, service.active) == (
        "Diagnosis",
        Decimal("55.90"),
        30,
        True,
    )
    product = ProductFactory(sku="ab-1", title="Cable")
    response = api.patch(
        detail(PRODUCTS, product.pk), {"sku": "AB-1", "active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    product.refresh_from_db()
    assert (product.sku, product.title, product.active) == ("AB-1", "Cable", False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": BIG}, "title"),
        ({"price": "-0.01"}, "price"),
        ({"price": "1.001"}, "price"),
        ({"price": "ten"}, "price"),
        ({"price": "1000000000.00"}, "price"),
        ({"price": None}, "price"),
        ({"warranty_days": -1}, "warranty_days"),
        ({"warranty_days": 3651}, "warranty_days"),
        ({"warranty_days": "a month"}, "warranty_days"),
        ({"active": "maybe"}, "active"),
        ({"colour": "red"}, "colour"),
        ({"id": 5, "search_text": "x"}, "search_text"),
    ],
)
def test_bad_service_input_is_400_and_writes_nothing(api, items, body, field):
    before = snapshot()
    response = api.post(SERVICES, {**SERVICE, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    response = api.patch(detail(SERVICES, items["service"].pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": BIG}, "sku"),
        ({"sku": "taken-1"}, "sku"),
        ({"sku": "TAKEN-1"}, "sku"),
        ({"sku": " Taken-1 "}, "sku"),
        ({"title": BIG}, "title"),
        ({"price": "-5"}, "price"),
        ({"cost": "-5"}, "cost"),
        ({"cost": "0.001"}, "cost"),
        ({"cost": None}, "cost"),
        ({"stock": 3}, "stock"),
    ],
)
def test_bad_product_input_is_400_and_writes_nothing(api, items, body, field):
    ProductFactory(sku="Taken-1")
    before = snapshot()
    response = api.post(PRODUCTS, {**PRODUCT, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    response = api.patch(detail(PRODUCTS, items["product"].pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_a_duplicate_sku_says_why(api):
    ProductFactory(sku="Ab-12")
    response = api.post(PRODUCTS, {**PRODUCT, "sku": "AB-12"}, format="json")
    assert response.json() == {"sku": ["A product with this SKU already exists."]}


def test_a_product_without_sku_title_or_price_is_400(api):
    response = api.post(PRODUCTS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"sku", "title", "price"}
    assert not Product.objects.exists()


def test_catalog_items_are_never_deleted_nor_replaced(api, items):
    before = snapshot()
    for base, item in ((SERVICES, items["service"]), (PRODUCTS, items["product"])):
        assert api.delete(detail(base, item.pk)).status_code == 405
        assert api.put(detail(base, item.pk), SERVICE, format="json").status_code == 405
    assert snapshot() == before


# --- permissions ----------------------------------------------------------------------------


def test_anonymous_requests_are_401(items):
    anonymous = APIClient()
    before = snapshot()
    for base, item in ((SERVICES, items["service"]), (PRODUCTS, items["product"])):
        assert anonymous.get(base).status_code == 401
        assert anonymous.get(detail(base, item.pk)).status_code == 401
        assert anonymous.post(base, {**SERVICE, **PRODUCT}, format="json").status_code == 401
        assert (
            anonymous.patch(detail(base, item.pk), {"title": "x"}, format="json").status_code == 401
        )
    assert snapshot() == before


def test_a_role_without_documents_permissions_gets_403(api_as, make_employee, items):
    outsider = api_as(role_employee(make_employee, "Front desk", ["clients.view"]))
    before = snapshot()
    for base, item in ((SERVICES, items["service"]), (PRODUCTS, items["product"])):
        assert outsider.get(base).status_code == 403
        assert outsider.get(detail(base, item.pk)).status_code == 403
        assert (
            outsider.post(base, {**SERVICE, **PRODUCT, "sku": "N"}, format="json").status_code
            == 403
        )
        assert (
            outsider.patch(detail(base, item.pk), {"title": "x"}, format="json").status_code == 403
        )
    assert snapshot() == before


@pytest.mark.parametrize("permission", ["documents.view_all", "documents.view_own"])
def test_a_document_reader_may_read_but_not_write(api_as, make_employee, items, permission):
    reader = api_as(role_employee(make_employee, "Reader", [permission]))
    before = snapshot()
    for base, item in ((SERVICES, items["service"]), (PRODUCTS, items["product"])):
        assert reader.get(base).json()["count"] == 1
        assert reader.get(detail(base, item.pk)).status_code == 200
        assert (
            reader.post(base, {**SERVICE, **PRODUCT, "sku": "N"}, format="json").status_code == 403
        )
        assert reader.patch(detail(base, item.pk), {"title": "x"}, format="json").status_code == 403
    assert snapshot() == before


def test_a_specialist_may_write_the_catalog(api_as, specialist):
    api = api_as(specialist)
    assert api.post(SERVICES, SERVICE, format="json").status_code == 201
    assert api.post(PRODUCTS, PRODUCT, format="json").status_code == 201
    product = Product.objects.get()
    assert api.patch(detail(PRODUCTS, product.pk), {"price": "1"}, format="json").status_code == 200


def test_an_inactive_employee_gets_nothing(api_as, manager, items):
    api = api_as(manager)
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert api.get(SERVICES).status_code in (401, 403)


def test_the_schema_describes_both_catalogs(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/services/", "/api/v1/services/{id}/", "/api/v1/products/"):
        assert f"{path}:" in schema
