"""``document_charge``: a closed order or a completed sale charged to the client's balance."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from clients.models import Client
from clients.tests.factories import ClientFactory
from ledger.models import LedgerEntry, Payment
from ledger.services import DocumentRef, MoneyError, advance_accept, document_charge

from .factories import CashboxFactory

pytestmark = pytest.mark.django_db

D = Decimal
ORDER = DocumentRef(type="order", id=7, number="A-000007")


def charge(client, actor, amount="150.00", kind=LedgerEntry.Kind.ORDER_CHARGE, **extra):
    return document_charge(
        actor=actor, client=client, amount=amount, kind=kind, document=ORDER, **extra
    )


def test_charge_moves_the_balance_toward_owes_us(manager):
    client = ClientFactory()
    entry = charge(client, manager, comment="Screen")
    client.refresh_from_db()
    assert client.balance == D("150.00")
    assert entry.amount == D("150.00") and entry.balance_after == D("150.00")
    assert entry.kind == LedgerEntry.Kind.ORDER_CHARGE
    assert (entry.source_type, entry.source_id, entry.source_number) == ("order", 7, "A-000007")
    assert entry.author == manager and entry.comment == "Screen"
    assert entry.payment is None and not Payment.objects.exists()
    call_command("check_ledger")


def test_sale_charge_offsets_an_advance(manager):
    client = ClientFactory()
    advance_accept(actor=manager, client=client, cashbox=CashboxFactory(), amount=D("100.00"))
    sale = DocumentRef(type="sale", id=3, number="S-000003")
    document_charge(
        actor=manager,
        client=client,
        amount=D("60.00"),
        kind=LedgerEntry.Kind.SALE_CHARGE,
        document=sale,
    )
    client.refresh_from_db()
    assert client.balance == D("-40.00")
    call_command("check_ledger")


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.005", "1000000000.00", "abc"])
def test_bad_amounts_are_refused_and_nothing_is_written(manager, amount):
    client = ClientFactory()
    with pytest.raises(MoneyError):
        charge(client, manager, amount=amount)
    assert not LedgerEntry.objects.exists()
    assert Client.objects.get(pk=client.pk).balance == 0


def test_only_charge_kinds_are_accepted(manager):
    client = ClientFactory()
    with pytest.raises(ValueError):
        charge(client, manager, kind=LedgerEntry.Kind.CORRECTION)
    assert not LedgerEntry.objects.exists()
