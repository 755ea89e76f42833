"""The estimate API: /api/v1/estimates/ with its lines and status, and converting an
estimate into a work order (once)."""

from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from documents.estimates import estimate_create
from documents.models import Estimate, Order, OrderStatus
from documents.orders import first_status

from .api_helpers import ESTIMATES, ORDERS, balance, messages, snapshot, url
from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal
ESTIMATE_FIELDS = {
    "id",
    "number",
    "client",
    "client_name",
    "status",
    "manager",
    "description",
    "valid_until",
    "items",
    "total",
    "order",
    "created_at",
}


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def client():
    return ClientFactory(discount_services=D("10"))


def create(api, client, **body):
    response = api.post(ESTIMATES, {"client": client.pk, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_estimate_is_created_as_a_draft_and_never_touches_the_balance(api, manager, client):
    service = ServiceFactory(title="Diagnosis", price=D("100.00"))
    body = create(
        api,
        client,
        description="Screen and battery",
        valid_until="2030-02-01",
        items=[
            {"service": service.pk},
            {"product": ProductFactory(price=D("40.00")).pk, "discount": "0"},
        ],
    )
    assert set(body) == ESTIMATE_FIELDS
    assert (body["status"], body["manager"], body["order"]) == ("draft", manager.pk, None)
    assert (body["description"], body["valid_until"]) == ("Screen and battery", "2030-02-01")
    assert [line["total"] for line in body["items"]] == ["90.00", "40.00"]
    assert body["total"] == "130.00"
    assert balance(api, client.pk)["balance"] == "0.00"


def test_estimates_are_listed_filtered_by_client_and_read(api, manager, client):
    other = ClientFactory()
    mine = estimate_create(actor=manager, client=client)
    estimate_create(actor=manager, client=other)
    assert api.get(ESTIMATES).json()["count"] == 2
    filtered = api.get(ESTIMATES, {"client": client.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [mine.pk]
    assert api.get(url(ESTIMATES, mine.pk)).json()["number"] == mine.number
    assert api.get(url(ESTIMATES, 999999)).status_code == 404


def test_an_estimate_is_edited_its_lines_changed_and_its_status_set(api, client):
    estimate = create(api, client)
    patched = api.patch(url(ESTIMATES, estimate["id"]), {"description": "v2"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "v2"
    added = api.post(
        url(ESTIMATES, estimate["id"], "items"), {"title": "Labour", "price": "30"}, format="json"
    )
    assert added.status_code == 201 and added.json()["total"] == "30.00"
    item = added.json()["items"][0]["id"]
    changed = api.patch(
        url(ESTIMATES, estimate["id"], f"items/{item}"), {"discount": "50"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["total"] == "15.00"
    sent = api.post(url(ESTIMATES, estimate["id"], "status"), {"status": "sent"}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert api.delete(url(ESTIMATES, estimate["id"], f"items/{item}")).status_code == 204
    assert api.get(url(ESTIMATES, estimate["id"])).json()["total"] == "0.00"


def test_converted_is_reached_only_by_converting(api, client):
    estimate = create(api, client)
    before = snapshot()
    response = api.post(
        url(ESTIMATES, estimate["id"], "status"), {"status": "converted"}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()
    assert snapshot() == before


def test_converting_makes_an_order_with_the_estimates_lines(api, manager, client):
    estimate = create(
        api,
        client,
        description="Replace the screen",
        items=[{"title": "Screen", "price": "200.00", "quantity": "2", "discount": "10"}],
    )
    response = api.post(url(ESTIMATES, estimate["id"], "convert"), format="json")
    assert response.status_code == 201, response.content
    order = response.json()
    assert set(order) >= {"id", "number", "status_group", "items", "total", "paid"}
    assert (order["client"], order["manager"], order["description"]) == (
        client.pk,
        manager.pk,
        "Replace the screen",
    )
    assert order["total"] == estimate["total"] == "360.00"
    assert [(i["title"], i["quantity"], i["discount"]) for i in order["items"]] == [
        ("Screen", "2.000", "10.00")
    ]
    assert order["status_group"] == "new"
    converted = api.get(url(ESTIMATES, estimate["id"])).json()
    assert (converted["status"], converted["order"]) == ("converted", order["id"])
    assert api.get(url(ORDERS, order["id"])).status_code == 200
    assert balance(api, client.pk)["balance"] == "0.00"


def test_converting_may_set_the_orders_status_and_assignee(api, client, make_employee):
    tech = make_employee("specialist")
    estimate = create(api, client)
    status = first_status(OrderStatus.Group.IN_PROGRESS)
    response = api.post(
        url(ESTIMATES, estimate["id"], "convert"),
        {"status": status.pk, "assignee": tech.pk, "malfunction": "No image"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["assignee"], body["malfunction"]) == (
        status.pk,
        tech.pk,
        "No image",
    )


def test_converting_twice_is_refused_with_the_order_number(api, client):
    estimate = create(api, client, items=[{"title": "Screen", "price": "200.00"}])
    first = api.post(url(ESTIMATES, estimate["id"], "convert"), format="json").json()
    before = snapshot()
    again = api.post(url(ESTIMATES, estimate["id"], "convert"), format="json")
    assert again.status_code == 400
    assert "already converted" in again.json()["detail"]
    assert first["number"] in again.json()["detail"]
    assert snapshot() == before
    assert Order.objects.count() == 1


def test_a_converted_estimate_refuses_changes(api, client):
    estimate = create(api, client, items=[{"title": "Screen", "price": "200.00"}])
    api.post(url(ESTIMATES, estimate["id"], "convert"), format="json")
    item = url(ESTIMATES, estimate["id"], f"items/{estimate['items'][0]['id']}")
    before = snapshot()
    for response in (
        api.patch(url(ESTIMATES, estimate["id"]), {"description": "x"}, format="json"),
        api.post(url(ESTIMATES, estimate["id"], "items"), {"title": "X", "price": "1"}),
        api.patch(item, {"quantity": "2"}, format="json"),
        api.delete(item),
        api.post(url(ESTIMATES, estimate["id"], "status"), {"status": "sent"}, format="json"),
    ):
        assert response.status_code == 400, response.content
        assert "converted" in messages(response.json())
    assert snapshot() == before


def test_a_cancelled_estimate_cannot_be_converted(api, client):
    estimate = create(api, client)
    api.post(url(ESTIMATES, estimate["id"], "status"), {"status": "cancelled"}, format="json")
    before = snapshot()
    response = api.post(url(ESTIMATES, estimate["id"], "convert"), format="json")
    assert response.status_code == 400 and "cancelled" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client": 999999}, "client"),
        ({"valid_until": "soon"}, "valid_until"),
        ({"manager": 999999}, "manager"),
        ({"status": "sent"}, "status"),  # set with status/, not on creation
        ({"items": [{"title": "X", "price": "1", "quantity": "-1"}]}, "items"),
        ({"items": [{"title": "X", "price": "1", "discount": "100.01"}]}, "items"),
    ],
)
def test_bad_estimates_are_refused(api, client, body, field):
    before = snapshot()
    response = api.post(ESTIMATES, {"client": client.pk, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before
    assert not Estimate.objects.exists()
