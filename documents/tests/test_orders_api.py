"""The work-order API as API.md describes it: /api/v1/orders/ with its lines, status,
closing (either settlement, with ``Idempotency-Key``) and reopening."""

from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from documents.models import Order, OrderStatus
from documents.orders import first_status, order_create
from ledger.tests.factories import CashboxFactory

from .api_helpers import ORDERS, messages, snapshot, url
from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal
Group = OrderStatus.Group
ORDER_FIELDS = {
    "id",
    "number",
    "client",
    "client_name",
    "status",
    "status_name",
    "status_group",
    "order_type",
    "manager",
    "assignee",
    "malfunction",
    "description",
    "due_date",
    "items",
    "total",
    "paid",
    "settlement",
    "paid_at_closing",
    "covered_by_advance",
    "charged_to_balance",
    "created_at",
    "closed_at",
}


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def client():
    return ClientFactory(discount_goods=D("10"), discount_services=D("0"))


@pytest.fixture
def catalog():
    return {
        "service": ServiceFactory(title="Screen replacement", price=D("100.00"), warranty_days=90),
        "product": ProductFactory(title="Screen", price=D("50.00")),
    }


@pytest.fixture
def cashbox():
    return CashboxFactory()


def create(api, client, **body):
    response = api.post(ORDERS, {"client": client.pk, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


# --- creating and reading --------------------------------------------------------------------


def test_an_order_is_created_with_lines_of_every_kind(api, manager, client, catalog):
    body = create(
        api,
        client,
        malfunction="Broken screen",
        order_type="Repair",
        due_date="2030-01-31",
        items=[
            {"service": catalog["service"].pk},
            {"product": catalog["product"].pk, "quantity": "2"},
            {"title": "Cleaning", "price": "20.00", "discount": "5", "discount_kind": "amount"},
        ],
    )
    assert set(body) == ORDER_FIELDS
    assert body["number"] and body["client"] == client.pk
    assert (body["status_group"], body["manager"], body["assignee"]) == ("new", manager.pk, None)
    assert (body["malfunction"], body["order_type"], body["due_date"]) == (
        "Broken screen",
        "Repair",
        "2030-01-31",
    )
    lines = body["items"]
    assert [(i["kind"], i["title"], i["quantity"], i["price"], i["total"]) for i in lines] == [
        ("service", "Screen replacement", "1.000", "100.00", "100.00"),
        ("product", "Screen", "2.000", "50.00", "90.00"),  # the client's 10% on goods
        ("text", "Cleaning", "1.000", "20.00", "15.00"),
    ]
    assert lines[0]["warranty_days"] == 90 and lines[0]["service"] == catalog["service"].pk
    assert (body["total"], body["paid"], body["closed_at"]) == ("205.00", "0.00", None)
    assert Order.objects.get(pk=body["id"]).total == D("205.00")


def test_an_order_may_be_created_without_lines(api, client):
    body = create(api, client)
    assert (body["items"], body["total"]) == ([], "0.00")


def test_an_order_may_start_in_a_chosen_status_with_people(api, client, make_employee):
    tech = make_employee("specialist")
    status = first_status(Group.IN_PROGRESS)
    body = create(api, client, status=status.pk, assignee=tech.pk, manager=tech.pk)
    assert (body["status"], body["status_name"], body["status_group"]) == (
        status.pk,
        status.name,
        "in_progress",
    )
    assert (body["assignee"], body["manager"]) == (tech.pk, tech.pk)


def test_orders_are_listed_newest_first_filtered_by_client_and_read_one_by_one(
    api, manager, client
):
    other = ClientFactory()
    first = order_create(actor=manager, client=client)
    second = order_create(actor=manager, client=other)
    third = order_create(actor=manager, client=client)
    body = api.get(ORDERS).json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [third.pk, second.pk, first.pk]
    filtered = api.get(ORDERS, {"client": client.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [third.pk, first.pk]
    assert api.get(ORDERS, {"client": 999999}).json()["count"] == 0
    detail = api.get(url(ORDERS, first.pk))
    assert detail.status_code == 200
    assert detail.json()["number"] == first.number
    assert api.get(url(ORDERS, 999999)).status_code == 404


def test_orders_filter_by_status_group(api, manager, client):
    order_create(actor=manager, client=client)
    working = order_create(actor=manager, client=client, status=first_status(Group.IN_PROGRESS))
    body = api.get(ORDERS, {"status_group": "in_progress"}).json()
    assert [row["id"] for row in body["results"]] == [working.pk]


def test_pages_are_capped(api, manager, client):
    for _ in range(3):
        order_create(actor=manager, client=client)
    body = api.get(ORDERS, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2) and body["next"]


# --- editing an open order -------------------------------------------------------------------


def test_an_open_order_is_edited_and_its_lines_added_changed_and_removed(
    api, client, catalog, make_employee
):
    tech = make_employee("specialist")
    order = create(api, client)
    patched = api.patch(
        url(ORDERS, order["id"]),
        {"assignee": tech.pk, "description": "Customer waits"},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["assignee"], patched.json()["description"]) == (
        tech.pk,
        "Customer waits",
    )

    added = api.post(
        url(ORDERS, order["id"], "items"),
        {"service": catalog["service"].pk, "price": "80.00"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["total"] == "80.00"
    item_id = added.json()["items"][0]["id"]

    changed = api.patch(
        url(ORDERS, order["id"], f"items/{item_id}"), {"quantity": "3"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["total"] == "240.00"

    removed = api.delete(url(ORDERS, order["id"], f"items/{item_id}"))
    assert removed.status_code == 204
    assert api.get(url(ORDERS, order["id"])).json()["total"] == "0.00"


def test_a_line_of_another_order_is_not_found(api, client):
    first = create(api, client, items=[{"title": "A", "price": "1.00"}])
    second = create(api, client)
    path = url(ORDERS, second["id"], f"items/{first['items'][0]['id']}")
    before = snapshot()
    assert api.patch(path, {"quantity": "2"}, format="json").status_code == 404
    assert api.delete(path).status_code == 404
    assert snapshot() == before


def test_the_status_moves_with_history_but_not_to_closed(api, client):
    order = create(api, client)
    working = first_status(Group.IN_PROGRESS)
    moved = api.post(
        url(ORDERS, order["id"], "status"),
        {"status": working.pk, "comment": "Started"},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status_group"] == "in_progress"
    before = snapshot()
    refused = api.post(
        url(ORDERS, order["id"], "status"),
        {"status": first_status(Group.CLOSED).pk},
        format="json",
    )
    assert refused.status_code == 400
    assert "Close the order" in messages(refused.json())
    assert snapshot() == before


# --- refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"title": "X", "price": "10", "quantity": "-1"}, "quantity"),
        ({"title": "X", "price": "10", "quantity": "0"}, "quantity"),
        ({"title": "X", "price": "10", "quantity": "1.0001"}, "quantity"),
        ({"title": "X", "price": "10", "discount": "101"}, "discount"),
        ({"title": "X", "price": "10", "discount": "11", "discount_kind": "amount"}, "discount"),
        ({"title": "X", "price": "-10"}, "price"),
        ({"title": "X", "price": "abc"}, "price"),
        ({"title": "X"}, "price"),
        ({"price": "10"}, "title"),
        ({"title": "X", "price": "10", "warranty_days": -1}, "warranty_days"),
        ({"title": "X", "price": "10", "colour": "red"}, "colour"),
        ({"service": 999999}, "service"),
        ({"product": 999999}, "product"),
        ({"title": "X", "price": "10", "assignee": 999999}, "assignee"),
    ],
)
def test_a_bad_line_is_refused_at_its_place_and_nothing_is_written(api, client, item, field):
    before = snapshot()
    response = api.post(
        ORDERS,
        {"client": client.pk, "items": [{"title": "Fine", "price": "1"}, item]},
        format="json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["items"]
    assert list(errors) == ["1"] and field in errors["1"], errors
    assert snapshot() == before


def test_a_bad_line_added_to_an_order_is_refused(api, client):
    order = create(api, client)
    before = snapshot()
    response = api.post(
        url(ORDERS, order["id"], "items"),
        {"title": "X", "price": "10", "quantity": "-2"},
        format="json",
    )
    assert response.status_code == 400
    assert "quantity" in response.json()
    assert snapshot() == before


def test_a_line_is_a_service_or_a_product_not_both(api, client, catalog):
    before = snapshot()
    response = api.post(
        ORDERS,
        {
            "client": client.pk,
            "items": [{"service": catalog["service"].pk, "product": catalog["product"].pk}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "product" in response.json()["items"]["0"]
    assert snapshot() == before


def test_an_item_no_longer_offered_is_refused(api, client):
    gone = ServiceFactory(active=False)
    response = api.post(
        ORDERS, {"client": client.pk, "items": [{"service": gone.pk}]}, format="json"
    )
    assert response.status_code == 400
    assert "no longer offered" in messages(response.json())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "client"),
        ({"client": 999999}, "client"),
        ({"client": "abc"}, "client"),
        ({"frist_name": "x"}, "frist_name"),
        ({"manager": 999999}, "manager"),
        ({"assignee": 999999}, "assignee"),
        ({"status": 999999}, "status"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"items": "none"}, "items"),
        ({"order_type": "x" * 65}, "order_type"),
    ],
)
def test_bad_order_fields_are_refused(api, client, body, field):
    body = {"client": client.pk, **body} if "client" not in body and body else body
    before = snapshot()
    response = api.post(ORDERS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_an_order_cannot_start_closed_or_with_someone_inactive(api, client, make_employee):
    gone = make_employee("specialist", is_active=False)
    before = snapshot()
    closed = api.post(
        ORDERS, {"client": client.pk, "status": first_status(Group.CLOSED).pk}, format="json"
    )
    assert closed.status_code == 400 and "status" in closed.json()
    inactive = api.post(ORDERS, {"client": client.pk, "assignee": gone.pk}, format="json")
    assert inactive.status_code == 400
    assert "no longer active" in inactive.json()["assignee"][0]
    assert snapshot() == before


def test_the_client_must_be_visible(api_as, make_employee, client):
    from accounts.models import Role

    role = Role.objects.create(name="No clients", permissions=["documents.edit"])
    blind = api_as(make_employee(role=role))
    before = snapshot()
    response = blind.post(ORDERS, {"client": client.pk}, format="json")
    assert response.status_code == 400 and "client" in response.json()
    assert snapshot() == before
