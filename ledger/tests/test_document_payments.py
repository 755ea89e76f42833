"""Payments for a document (order or sale) through the API, via the resolver hook that the
documents app registers. The ledger itself knows no documents."""

from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from ledger import selectors, services
from ledger.models import LedgerEntry, Payment
from ledger.services import DocumentRef
from ledger.tests.factories import CashboxFactory


@pytest.fixture
def orders():
    """A stand-in documents app with one order, number A-7, for one client."""
    owner = ClientFactory()
    known = {70: DocumentRef(type="order", id=70, number="A-7", client_id=owner.pk)}
    previous = selectors._document_resolvers.get("order")
    previous_payer = services._document_payers.pop("order", None)
    selectors.register_document_resolver("order", known.get)
    yield owner
    # Put back the documents app's own resolver and payer, which later tests rely on.
    if previous is None:
        selectors._document_resolvers.pop("order", None)
    else:
        selectors.register_document_resolver("order", previous)
    if previous_payer is not None:
        services.register_document_payer("order", previous_payer)


def post(api, client, cashbox, **extra):
    body = {"kind": "advance", "client": client.pk, "cashbox": cashbox.pk, "amount": "80.00"}
    return api.post("/api/v1/payments/", {**body, **extra}, format="json")


@pytest.mark.django_db
def test_null_order_and_sale_are_accepted(api_as, manager):
    client, cashbox = ClientFactory(), CashboxFactory()
    response = post(api_as(manager), client, cashbox, order=None, sale=None)
    assert response.status_code == 201, response.json()
    assert response.json()["order"] is None


@pytest.mark.django_db
def test_unknown_order_is_refused_and_nothing_moves(api_as, manager):
    client, cashbox = ClientFactory(), CashboxFactory()
    response = post(api_as(manager), client, cashbox, order=12345)
    assert response.status_code == 400
    assert "order" in response.json()
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_payment_for_a_registered_order_is_linked_to_it(api_as, manager, orders):
    cashbox = CashboxFactory()
    response = post(api_as(manager), orders, cashbox, order=70)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["order"] == 70
    assert body["kind"] == "order_payment"
    assert body["document"] == {"type": "order", "id": 70, "number": "A-7"}
    entry = LedgerEntry.objects.get(client=orders)
    assert entry.amount == Decimal("-80.00")
    assert (entry.source_type, entry.source_number) == ("order", "A-7")


@pytest.mark.django_db
def test_another_clients_order_is_refused(api_as, manager, orders):
    stranger, cashbox = ClientFactory(), CashboxFactory()
    response = post(api_as(manager), stranger, cashbox, order=70)
    assert response.status_code == 400
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_order_and_sale_together_are_refused(api_as, manager, orders):
    response = post(api_as(manager), orders, CashboxFactory(), order=70, sale=3)
    assert response.status_code == 400
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_other_expense_cannot_put_money_in(manager):
    from ledger.services import MoneyError, cash_move

    cashbox = CashboxFactory()
    with pytest.raises(MoneyError):
        cash_move(
            actor=manager,
            cashbox=cashbox,
            direction="income",
            amount="10.00",
            category="other_expense",
        )
    cashbox.refresh_from_db()
    assert cashbox.balance == 0 and not Payment.objects.exists()


@pytest.mark.django_db
def test_money_rows_cannot_be_edited_or_deleted(manager):
    from ledger.models import ImmutableRecord
    from ledger.services import advance_accept

    client, cashbox = ClientFactory(), CashboxFactory()
    payment = advance_accept(actor=manager, client=client, cashbox=cashbox, amount="25.00")
    entry = LedgerEntry.objects.get(payment=payment)
    entry.amount = Decimal("-1.00")
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        entry.delete()
    payment.note = "changed"
    with pytest.raises(ImmutableRecord):
        payment.save()
    with pytest.raises(ImmutableRecord):
        payment.delete()
    entry.refresh_from_db()
    assert entry.amount == Decimal("-25.00")
    assert Payment.objects.get(pk=payment.pk).note == ""
