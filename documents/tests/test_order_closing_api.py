"""Closing a work order through the API (either settlement, with ``Idempotency-Key``),
reopening it, and what a closed order refuses."""

from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from documents.models import OrderStatus
from documents.orders import first_status
from ledger.models import Payment
from ledger.tests.factories import CashboxFactory

from .api_helpers import ORDERS, balance, key, messages, snapshot, url

pytestmark = pytest.mark.django_db

D = Decimal
Group = OrderStatus.Group
REPAIR = {"title": "Repair", "price": "150.00"}


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def client():
    return ClientFactory()


@pytest.fixture
def cashbox():
    return CashboxFactory()


def create(api, client, **body):
    response = api.post(ORDERS, {"client": client.pk, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_closing_to_the_balance_charges_the_client(api, client):
    order = create(api, client, items=[REPAIR])
    closed = api.post(url(ORDERS, order["id"], "close"), {"settlement": "balance"}, format="json")
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status_group"], body["paid"]) == ("closed", "0.00")
    assert body["closed_at"]
    assert balance(api, client.pk) == {"balance": "150.00", "state": "owes_us"}


def test_closing_into_a_cashbox_pays_the_rest_and_leaves_the_balance(api, client, cashbox):
    order = create(api, client, items=[REPAIR])
    closed = api.post(
        url(ORDERS, order["id"], "close"),
        {"settlement": "cashbox", "cashbox": cashbox.pk, "comment": "Picked up"},
        format="json",
    )
    assert closed.status_code == 200, closed.content
    assert (closed.json()["paid"], closed.json()["status_group"]) == ("150.00", "closed")
    assert balance(api, client.pk) == {"balance": "0.00", "state": "settled"}
    cashbox.refresh_from_db()
    assert cashbox.balance == D("150.00")
    payment = Payment.objects.get()
    assert (payment.document_type, payment.document_id) == ("order", order["id"])


def test_closing_with_an_idempotency_key_moves_money_once(api, client, cashbox):
    order = create(api, client, items=[REPAIR])
    path, body = url(ORDERS, order["id"], "close"), {"settlement": "cashbox", "cashbox": cashbox.pk}
    first = api.post(path, body, format="json", **key("close-1"))
    again = api.post(path, body, format="json", **key("close-1"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Payment.objects.count() == 1
    assert balance(api, client.pk)["balance"] == "0.00"


def test_closing_twice_is_refused(api, client):
    order = create(api, client, items=[REPAIR])
    path = url(ORDERS, order["id"], "close")
    assert api.post(path, {"settlement": "balance"}, format="json").status_code == 200
    before = snapshot()
    again = api.post(path, {"settlement": "balance"}, format="json")
    assert again.status_code == 400
    assert "already closed" in again.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "settlement"),
        ({"settlement": "later"}, "settlement"),
        ({"settlement": "cashbox"}, "cashbox"),
        ({"settlement": "cashbox", "cashbox": 999999}, "cashbox"),
        ({"settlement": "balance", "surprise": 1}, "surprise"),
    ],
)
def test_closing_needs_a_settlement_and_a_real_cashbox(api, client, body, field):
    order = create(api, client, items=[REPAIR])
    before = snapshot()
    response = api.post(url(ORDERS, order["id"], "close"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_a_closed_order_refuses_lines_edits_and_status(api, client):
    order = create(api, client, items=[REPAIR])
    api.post(url(ORDERS, order["id"], "close"), {"settlement": "balance"}, format="json")
    item_path = url(ORDERS, order["id"], f"items/{order['items'][0]['id']}")
    before = snapshot()
    for response in (
        api.post(url(ORDERS, order["id"], "items"), {"title": "X", "price": "1"}, format="json"),
        api.patch(item_path, {"quantity": "2"}, format="json"),
        api.delete(item_path),
        api.patch(url(ORDERS, order["id"]), {"description": "late"}, format="json"),
        api.post(
            url(ORDERS, order["id"], "status"),
            {"status": first_status(Group.IN_PROGRESS).pk},
            format="json",
        ),
    ):
        assert response.status_code == 400, response.content
        assert "closed" in messages(response.json())
    assert snapshot() == before


def test_reopening_reverses_the_charge(api, client):
    order = create(api, client, items=[REPAIR])
    api.post(url(ORDERS, order["id"], "close"), {"settlement": "balance"}, format="json")
    reopened = api.post(
        url(ORDERS, order["id"], "reopen"), {"comment": "Forgot a part"}, format="json"
    )
    assert reopened.status_code == 200, reopened.content
    assert (reopened.json()["status_group"], reopened.json()["closed_at"]) == ("in_progress", None)
    assert balance(api, client.pk) == {"balance": "0.00", "state": "settled"}
    added = api.post(url(ORDERS, order["id"], "items"), {"title": "Part", "price": "10"})
    assert added.status_code == 201


def test_reopening_needs_a_comment_and_a_closed_order(api, client):
    order = create(api, client)
    before = snapshot()
    missing = api.post(url(ORDERS, order["id"], "reopen"), {}, format="json")
    assert missing.status_code == 400 and "comment" in missing.json()
    still_open = api.post(url(ORDERS, order["id"], "reopen"), {"comment": "?"}, format="json")
    assert still_open.status_code == 400
    assert "not closed" in still_open.json()["detail"]
    assert snapshot() == before
