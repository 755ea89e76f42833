"""Any sequence of advances, refunds, corrections, reversals and expenses keeps the books right.

The machine keeps its own model of every balance and predicts whether each operation must
be accepted or refused; after every step it compares the database with the model and checks
the ledger's invariants from the stored rows alone.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.tests.factories import EmployeeFactory
from clients.models import Client
from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import MoneyError

from .factories import CashboxFactory, CashlessCashboxFactory

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

amounts = st.decimals(min_value=CENT, max_value=Decimal("5000.00"), places=2)
signed_amounts = st.decimals(
    min_value=Decimal("-5000.00"), max_value=Decimal("5000.00"), places=2
).filter(lambda d: d != 0)


def counts() -> tuple[int, int]:
    return LedgerEntry.objects.count(), Payment.objects.count()


class LedgerMachine(RuleBasedStateMachine):
    actor = None  # one employee for every example, set by the test

    def __init__(self):
        super().__init__()
        # The db fixture's transaction spans every example: create fresh rows and look only
        # at those.
        self.clients = [ClientFactory(), ClientFactory()]
        self.cashboxes = [CashboxFactory(), CashlessCashboxFactory()]
        self.client_balance = {c.pk: ZERO for c in self.clients}
        self.cashbox_balance = {b.pk: ZERO for b in self.cashboxes}
        # entry pk -> (client pk, amount, payment cashbox pk or None, payment signed amount)
        self.entries: dict[int, tuple[int, Decimal, int | None, Decimal]] = {}
        self.reversed: set[int] = set()
        self.reversals: set[int] = set()

    # --- helpers --------------------------------------------------------------------------

    def cash_ok(self, cashbox: Cashbox, delta: Decimal) -> bool:
        return cashbox.kind != Cashbox.Kind.CASH or self.cashbox_balance[cashbox.pk] + delta >= 0

    def expect_refusal(self, operation) -> None:
        # The invariant compares every stored balance with the model right after this step.
        before = counts()
        with pytest.raises(MoneyError) as refused:
            operation()
        assert counts() == before, "a refused operation wrote rows"
        error = refused.value
        event(
            "refused: "
            + (", ".join(error.message_dict) if hasattr(error, "error_dict") else "entry")
        )

    def stored_balances(self):
        return (
            dict(Client.objects.filter(pk__in=self.client_balance).values_list("pk", "balance")),
            dict(Cashbox.objects.filter(pk__in=self.cashbox_balance).values_list("pk", "balance")),
        )

    def remember(self, entry: LedgerEntry) -> None:
        payment = entry.payment
        self.entries[entry.pk] = (
            entry.client_id,
            entry.amount,
            payment.cashbox_id if payment else None,
            payment.signed_amount if payment else ZERO,
        )
        self.client_balance[entry.client_id] += entry.amount
        if payment:
            self.cashbox_balance[payment.cashbox_id] += payment.signed_amount

    # --- rules ----------------------------------------------------------------------------

    @rule(who=st.integers(0, 1), where=st.integers(0, 1), amount=amounts)
    def advance(self, who, where, amount):
        payment = services.advance_accept(
            actor=self.actor,
            client=self.clients[who],
            cashbox=self.cashboxes[where],
            amount=amount,
        )
        assert payment.amount == amount
        self.remember(payment.ledger_entry)

    @rule(
        who=st.integers(0, 1),
        where=st.integers(0, 1),
        how=st.sampled_from(
            ["any", "at most owed", "all owed", "one cent too much", "till and more"]
        ),
        amount=amounts,
    )
    def refund(self, who, where, how, amount):
        client, cashbox = self.clients[who], self.cashboxes[where]
        owed = -self.client_balance[client.pk]
        if how == "at most owed" and owed > 0:
            amount = min(amount, owed)
        elif how == "all owed" and owed > 0:
            amount = owed
        elif how == "one cent too much" and owed > 0:
            amount = owed + CENT
        elif how == "till and more" and self.cashbox_balance[cashbox.pk] > 0:
            amount = self.cashbox_balance[cashbox.pk] + CENT

        def operation():
            return services.refund_pay(
                actor=self.actor, client=client, cashbox=cashbox, amount=amount
            )

        if owed <= 0 or amount > owed or not self.cash_ok(cashbox, -amount):
            self.expect_refusal(operation)
            return
        entry = operation().ledger_entry
        event("refund paid" + (" in full" if entry.balance_after == 0 else ""))
        assert entry.balance_after <= 0, "a refund made the client owe us"
        self.remember(entry)

    @precondition(lambda self: any(b < 0 for b in self.client_balance.values()))
    @rule(where=st.integers(0, 1), amount=amounts)
    def refund_within_limits(self, where, amount):
        """A refund the rules allow: to a client we owe, no more than owed or the till holds."""
        client = min(self.clients, key=lambda c: self.client_balance[c.pk])
        cashbox = self.cashboxes[where]
        amount = min(amount, -self.client_balance[client.pk])
        if cashbox.kind == Cashbox.Kind.CASH:
            amount = min(amount, self.cashbox_balance[cashbox.pk])
        if amount <= 0:
            return
        entry = services.refund_pay(
            actor=self.actor, client=client, cashbox=cashbox, amount=amount
        ).ledger_entry
        event("refund within limits paid")
        assert entry.balance_after <= 0
        self.remember(entry)

    @rule(who=st.integers(0, 1), amount=signed_amounts)
    def correction(self, who, amount):
        entry = services.balance_correct(
            actor=self.actor, client=self.clients[who], amount=amount, reason="Hypothesis"
        )
        self.remember(entry)

    @precondition(lambda self: self.entries)
    @rule(data=st.data())
    def reversal(self, data):
        pk = data.draw(st.sampled_from(sorted(self.entries)), label="entry")
        entry = LedgerEntry.objects.get(pk=pk)
        _client, _amount, cashbox_pk, money = self.entries[pk]

        def operation():
            return services.entry_reverse(actor=self.actor, entry=entry, reason="Undo")

        cashbox = next((b for b in self.cashboxes if b.pk == cashbox_pk), None)
        if (
            pk in self.reversals
            or pk in self.reversed
            or (cashbox and not self.cash_ok(cashbox, -money))
        ):
            self.expect_refusal(operation)
            return
        reversal = operation()
        event("reversed " + entry.kind)
        assert reversal.reverses_id == pk
        assert reversal.amount == -entry.amount
        self.reversed.add(pk)
        self.remember(reversal)
        self.reversals.add(reversal.pk)

    @rule(where=st.integers(0, 1), amount=amounts)
    def expense(self, where, amount):
        cashbox = self.cashboxes[where]

        def operation():
            return services.cash_move(
                actor=self.actor,
                cashbox=cashbox,
                direction=Payment.Direction.EXPENSE,
                amount=amount,
                category=Payment.Category.OTHER_EXPENSE,
            )

        if not self.cash_ok(cashbox, -amount):
            self.expect_refusal(operation)
            return
        payment = operation()
        self.cashbox_balance[cashbox.pk] -= amount
        assert payment.cashbox_balance_after == self.cashbox_balance[cashbox.pk]

    # --- invariants (three queries, checked after every step) -----------------------------

    @invariant()
    def the_books_add_up(self):
        clients, cashboxes = self.stored_balances()
        assert (clients, cashboxes) == (self.client_balance, self.cashbox_balance)

        running = dict.fromkeys(clients, ZERO)
        entries = LedgerEntry.objects.filter(client__in=clients).order_by("id")
        for client, kind, amount, after in entries.values_list(
            "client_id", "kind", "amount", "balance_after"
        ):
            owed_before = -running[client]
            running[client] += amount
            assert after == running[client], "balance_after is not the running balance"
            if kind == LedgerEntry.Kind.REFUND:
                assert amount <= owed_before, "a refund paid out more than we owed"
                assert after <= 0, "a refund made the client owe us"
        # Stored balance == sum of entries == balance_after of the newest entry.
        assert clients == running

        totals = dict.fromkeys(cashboxes, ZERO)
        payments = Payment.objects.filter(cashbox__in=cashboxes).order_by("id")
        for cashbox, direction, amount, after in payments.values_list(
            "cashbox_id", "direction", "amount", "cashbox_balance_after"
        ):
            totals[cashbox] += amount if direction == Payment.Direction.INCOME else -amount
            assert after == totals[cashbox]
            if cashbox == self.cashboxes[0].pk:  # the cash till
                assert after >= 0, "a cash cashbox went below zero"
        assert cashboxes == totals, "cashbox balance is not income minus expense"


@pytest.mark.django_db
def test_any_sequence_of_money_operations_keeps_the_books_right():
    LedgerMachine.actor = EmployeeFactory(role_code="manager")
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
