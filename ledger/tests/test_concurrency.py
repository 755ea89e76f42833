"""Cashiers racing on one client and one till (PostgreSQL: real row locks, real threads).

Each thread works on its own database connection; a barrier starts them together.
"""

import random
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from clients.models import Client
from clients.tests.factories import ClientFactory
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import MoneyError, advance_accept, refund_pay

from .factories import CashboxFactory, CashlessCashboxFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
    ),
]

THREADS = 8
OPERATIONS = 10
START_CREDIT = Decimal("300.00")


@pytest.fixture
def cashier():
    # A transactional test empties every table when it ends, the migration's roles included.
    restore_builtin_roles()
    return EmployeeFactory(role_code="manager")


def race(workers):
    """Run each worker in its own thread and connection, all released at once.

    Returns each worker's result; any unexpected exception fails the test.
    """
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)
    errors: list[BaseException] = []

    def run(index, worker):
        try:
            barrier.wait(timeout=10)
            results[index] = worker()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    assert not errors, f"operations failed other than by a MoneyError: {errors!r}"
    return results


def check_ledger_passes():
    out, err = StringIO(), StringIO()
    call_command("check_ledger", stdout=out, stderr=err)
    assert err.getvalue() == ""


def test_racing_refunds_and_advances_never_overpay_nor_lose_an_update(cashier):
    client = ClientFactory()
    till = CashboxFactory()
    advance_accept(actor=cashier, client=client, cashbox=till, amount=START_CREDIT)

    def worker(seed):
        rng = random.Random(seed)
        done = []
        for _ in range(OPERATIONS):
            if rng.random() < 0.6:
                amount = Decimal(rng.randint(500, 9000)) / 100
                try:
                    refund_pay(actor=cashier, client=client, cashbox=till, amount=amount)
                except MoneyError:
                    continue
                done.append(("refund", amount))
            else:
                amount = Decimal(rng.randint(100, 4000)) / 100
                advance_accept(actor=cashier, client=client, cashbox=till, amount=amount)
                done.append(("advance", amount))
        return done

    results = race([lambda seed=seed: worker(seed) for seed in range(THREADS)])
    done = [op for ops in results for op in ops]
    refunded = sum((a for kind, a in done if kind == "refund"), start=Decimal("0"))
    advanced = sum((a for kind, a in done if kind == "advance"), start=Decimal("0"))
    assert any(kind == "refund" for kind, _ in done), "the race exercised no refund"

    check_ledger_passes()
    assert refunded <= advanced + START_CREDIT, "paid out more than was owed"
    client.refresh_from_db()
    till.refresh_from_db()
    # No update lost: one entry and one payment per successful operation (+ the first one).
    assert LedgerEntry.objects.filter(client=client).count() == len(done) + 1
    assert Payment.objects.filter(cashbox=till).count() == len(done) + 1
    assert client.balance == -(START_CREDIT + advanced - refunded)
    assert till.balance == START_CREDIT + advanced - refunded
    # Never owed by the client through a refund, never a negative till, at any moment.
    refunds = LedgerEntry.objects.filter(client=client, kind=LedgerEntry.Kind.REFUND)
    assert not refunds.filter(balance_after__gt=0).exists()
    assert not Payment.objects.filter(cashbox=till, cashbox_balance_after__lt=0).exists()
    assert client.balance <= 0
    assert till.balance >= 0


@pytest.mark.parametrize("attempt", range(3))
def test_two_cashiers_refunding_everything_at_once_pay_out_once(cashier, attempt):
    client = ClientFactory()
    till = CashboxFactory()
    other = ClientFactory()
    advance_accept(actor=cashier, client=other, cashbox=till, amount="1000.00")
    advance_accept(actor=cashier, client=client, cashbox=till, amount="250.00")

    def refund_everything():
        try:
            refund_pay(actor=cashier, client=client, cashbox=till, amount="250.00")
        except MoneyError:
            return "refused"
        return "paid"

    results = race([refund_everything, refund_everything])
    assert sorted(results) == ["paid", "refused"]
    assert Client.objects.get(pk=client.pk).balance == Decimal("0.00")
    assert Cashbox.objects.get(pk=till.pk).balance == Decimal("1000.00")
    assert LedgerEntry.objects.filter(client=client, kind=LedgerEntry.Kind.REFUND).count() == 1
    check_ledger_passes()


def test_two_cashiers_emptying_the_till_at_once_pay_out_once(cashier):
    """Two clients are each owed what the till holds; only one can be paid from it."""
    till, bank = CashboxFactory(), CashlessCashboxFactory()
    first, second = ClientFactory(), ClientFactory()
    advance_accept(actor=cashier, client=first, cashbox=till, amount="100.00")
    advance_accept(actor=cashier, client=second, cashbox=bank, amount="100.00")

    def refund(client):
        def run():
            try:
                refund_pay(actor=cashier, client=client, cashbox=till, amount="100.00")
            except MoneyError:
                return "refused"
            return "paid"

        return run

    assert sorted(race([refund(first), refund(second)])) == ["paid", "refused"]
    till.refresh_from_db()
    assert till.balance == Decimal("0.00")
    assert not Payment.objects.filter(cashbox=till, cashbox_balance_after__lt=0).exists()
    balances = sorted(
        Client.objects.filter(pk__in=[first.pk, second.pk]).values_list("balance", flat=True)
    )
    assert balances == [Decimal("-100.00"), Decimal("0.00")]
    check_ledger_passes()
