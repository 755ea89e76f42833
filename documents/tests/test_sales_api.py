"""The sale API: /api/v1/sales/ (paid now or charged to the balance, with
``Idempotency-Key``) and /api/v1/sales/{id}/returns/."""

from decimal import Decimal

import pytest

from accounts.models import Role
from clients.tests.factories import ClientFactory
from documents.models import Sale, SaleReturn
from documents.sales import sale_create
from ledger.models import Payment
from ledger.tests.factories import CashboxFactory

from .api_helpers import SALES, balance, key, messages, snapshot, url
from .factories import ProductFactory

pytestmark = pytest.mark.django_db

D = Decimal
SALE_FIELDS = {
    "id",
    "number",
    "client",
    "client_name",
    "manager",
    "settlement",
    "comment",
    "items",
    "total",
    "paid",
    "returned",
    "return_state",
    "created_at",
}


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def client():
    return ClientFactory()


@pytest.fixture
def cashbox():
    return CashboxFactory()


@pytest.fixture
def product():
    return ProductFactory(title="Charger", price=D("50.00"))


def sell(api, client, items, **body):
    response = api.post(SALES, {"client": client.pk, "items": items, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_sale_paid_now_leaves_the_balance_where_it_was(api, manager, client, cashbox, product):
    body = sell(
        api,
        client,
        [{"product": product.pk, "quantity": "2"}, {"title": "Cable", "price": "15.00"}],
        settlement="cashbox",
        cashbox=cashbox.pk,
        comment="Counter",
    )
    assert set(body) == SALE_FIELDS
    assert (body["settlement"], body["manager"], body["comment"]) == (
        "cashbox",
        manager.pk,
        "Counter",
    )
    assert (body["total"], body["paid"], body["returned"], body["return_state"]) == (
        "115.00",
        "115.00",
        "0.00",
        "",
    )
    assert [(i["title"], i["returned_quantity"]) for i in body["items"]] == [
        ("Charger", "0.000"),
        ("Cable", "0.000"),
    ]
    assert balance(api, client.pk) == {"balance": "0.00", "state": "settled"}
    cashbox.refresh_from_db()
    assert cashbox.balance == D("115.00")


def test_a_sale_charged_to_the_balance_is_owed(api, client, product):
    body = sell(api, client, [{"product": product.pk}], settlement="balance")
    assert (body["total"], body["paid"]) == ("50.00", "0.00")
    assert balance(api, client.pk) == {"balance": "50.00", "state": "owes_us"}


def test_sales_are_listed_filtered_by_client_and_read(api, manager, client, product):
    other = ClientFactory()
    line = [{"kind": "product", "product": product}]
    mine = sale_create(actor=manager, client=client, items=line, settlement="balance")
    sale_create(actor=manager, client=other, items=line, settlement="balance")
    assert api.get(SALES).json()["count"] == 2
    filtered = api.get(SALES, {"client": client.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [mine.pk]
    assert api.get(url(SALES, mine.pk)).json()["number"] == mine.number
    assert api.get(url(SALES, 999999)).status_code == 404


def test_a_sale_with_an_idempotency_key_is_made_once(api, client, cashbox, product):
    body = {
        "client": client.pk,
        "items": [{"product": product.pk}],
        "settlement": "cashbox",
        "cashbox": cashbox.pk,
    }
    first = api.post(SALES, body, format="json", **key("sale-1"))
    again = api.post(SALES, body, format="json", **key("sale-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Sale.objects.count() == 1 and Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": None}, "items"),
        ({"settlement": None}, "settlement"),
        ({"settlement": "later"}, "settlement"),
        ({"settlement": "cashbox", "cashbox": None}, "cashbox"),
        ({"cashbox": 999999}, "cashbox"),
        ({"client": 999999}, "client"),
        ({"items": [{"title": "Free", "price": "0"}]}, "items"),
        ({"items": [{"product": 999999}]}, "items"),
        ({"items": [{"title": "X", "price": "1", "quantity": "-3"}]}, "items"),
        ({"items": [{"title": "X", "price": "10", "discount": "150"}]}, "items"),
        ({"total": "1.00"}, "total"),
    ],
)
def test_bad_sales_are_refused_and_nothing_moves(api, client, cashbox, product, body, field):
    sale = {
        "client": client.pk,
        "items": [{"product": product.pk}],
        "settlement": "cashbox",
        "cashbox": cashbox.pk,
        **body,
    }
    before = snapshot()
    response = api.post(SALES, sale, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


# --- returns ---------------------------------------------------------------------------------


def test_part_of_a_sale_comes_back_as_a_credit(api, client, cashbox, product):
    sale = sell(
        api,
        client,
        [{"product": product.pk, "quantity": "3"}],
        settlement="cashbox",
        cashbox=cashbox.pk,
    )
    item = sale["items"][0]["id"]
    response = api.post(
        url(SALES, sale["id"], "returns"),
        {"lines": [{"item": item, "quantity": "1"}], "reason": "Faulty"},
        format="json",
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert (record["sale"], record["amount"], record["refunded"], record["cashbox"]) == (
        sale["id"],
        "50.00",
        "0.00",
        None,
    )
    assert record["lines"] == [{"item": item, "quantity": "1.000", "amount": "50.00"}]
    assert balance(api, client.pk) == {"balance": "-50.00", "state": "we_owe"}
    after = api.get(url(SALES, sale["id"])).json()
    assert (after["returned"], after["return_state"]) == ("50.00", "partial")
    assert after["items"][0]["returned_quantity"] == "1.000"
    listed = api.get(url(SALES, sale["id"], "returns"))
    assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [record["id"]]


def test_everything_comes_back_with_money_paid_out(api, client, cashbox, product):
    sale = sell(api, client, [{"product": product.pk}], settlement="cashbox", cashbox=cashbox.pk)
    response = api.post(
        url(SALES, sale["id"], "returns"), {"cashbox": cashbox.pk}, format="json", **key("r-1")
    )
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["refunded"]) == ("50.00", "50.00")
    assert balance(api, client.pk) == {"balance": "0.00", "state": "settled"}
    cashbox.refresh_from_db()
    assert cashbox.balance == D("0.00")
    replay = api.post(
        url(SALES, sale["id"], "returns"), {"cashbox": cashbox.pk}, format="json", **key("r-1")
    )
    assert replay.status_code == 201 and replay.json() == response.json()
    assert SaleReturn.objects.count() == 1
    assert api.get(url(SALES, sale["id"])).json()["return_state"] == "full"

    before = snapshot()
    again = api.post(url(SALES, sale["id"], "returns"), {}, format="json")
    assert again.status_code == 400 and "already returned" in again.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"item": 999999, "quantity": "1"}]}, "lines"),
        ({"lines": [{"item": "ITEM", "quantity": "5"}]}, "lines"),
        ({"lines": [{"item": "ITEM", "quantity": "-1"}]}, "quantity"),
        ({"lines": [{"item": "ITEM", "quantity": "1e400"}]}, "quantity"),
        ({"lines": [{"item": "ITEM", "quantity": "9999999999"}]}, "quantity"),
        ({"lines": [{"item": "ITEM", "quantity": "1e-400"}]}, "quantity"),
        ({"lines": [{"item": "ITEM", "quantity": "0.0001"}]}, "quantity"),
        (
            {"lines": [{"item": "ITEM", "quantity": "1"}, {"item": "ITEM", "quantity": "1"}]},
            "lines",
        ),
        ({"refund": "10.00"}, "cashbox"),
        ({"cashbox": "CASHBOX", "refund": "150.00"}, "refund"),
        ({"cashbox": 999999}, "cashbox"),
        ({"why": "?"}, "why"),
    ],
)
def test_bad_returns_are_refused_and_nothing_moves(api, client, cashbox, product, body, field):
    sale = sell(
        api,
        client,
        [{"product": product.pk, "quantity": "2"}],
        settlement="cashbox",
        cashbox=cashbox.pk,
    )
    item = sale["items"][0]["id"]
    body = {
        name: (
            [{**line, "item": item if line["item"] == "ITEM" else line["item"]} for line in value]
            if name == "lines"
            else cashbox.pk
            if value == "CASHBOX"
            else value
        )
        for name, value in body.items()
    }
    before = snapshot()
    response = api.post(url(SALES, sale["id"], "returns"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in messages(response.json()) or field in response.json(), response.json()
    assert snapshot() == before


def test_paying_money_back_needs_the_refund_permission(
    api_as, make_employee, client, cashbox, product
):
    role = Role.objects.create(
        name="Seller",
        permissions=["clients.view", "documents.edit", "documents.close", "documents.view_all"],
    )
    seller = api_as(make_employee(role=role))
    sale = sell(seller, client, [{"product": product.pk}], settlement="cashbox", cashbox=cashbox.pk)
    before = snapshot()
    refused = seller.post(url(SALES, sale["id"], "returns"), {"cashbox": cashbox.pk}, format="json")
    assert refused.status_code == 403
    assert snapshot() == before
    credited = seller.post(url(SALES, sale["id"], "returns"), {}, format="json")
    assert credited.status_code == 201
    assert balance(api_as(make_employee("manager")), client.pk)["balance"] == "-50.00"
