"""Any sequence of adding lines, prepaying, closing (either settlement) and reopening one
order keeps the books right: ``check_ledger`` passes and the client's balance is what the
order's charges (not reversed) less its payments add up to."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings
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
from documents.models import Order, OrderStatus
from documents.orders import (
    OrderError,
    order_close,
    order_create,
    order_item_add,
    order_prepay,
    order_reopen,
)
from documents.totals import DiscountKind, LineKind
from ledger.models import LedgerEntry, Payment
from ledger.tests.factories import CashlessCashboxFactory

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

prices = st.decimals(min_value=ZERO, max_value=Decimal("2000.00"), places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20"), places=3)
percents = st.decimals(min_value=ZERO, max_value=Decimal("100"), places=2)
amounts = st.decimals(min_value=CENT, max_value=Decimal("3000.00"), places=2)


class OrderMachine(RuleBasedStateMachine):
    actor = None  # one employee for every example, set by the test

    def __init__(self):
        super().__init__()
        self.client = ClientFactory()
        self.cashbox = CashlessCashboxFactory()
        self.order = order_create(actor=self.actor, client=self.client)
        self.closed = False

    def fresh(self) -> Order:
        return Order.objects.select_related("status").get(pk=self.order.pk)

    @rule(price=prices, quantity=quantities, discount=percents)
    def add_item(self, price, quantity, discount):
        order = self.fresh()
        if self.closed:
            with pytest.raises(OrderError):
                order_item_add(
                    actor=self.actor, order=order, kind=LineKind.TEXT, title="x", price=price
                )
            return
        order_item_add(
            actor=self.actor,
            order=order,
            kind=LineKind.TEXT,
            title="Line",
            price=price,
            quantity=quantity,
            discount=discount,
            discount_kind=DiscountKind.PERCENT,
        )

    @rule(amount=amounts, confirmed=st.booleans())
    def prepay(self, amount, confirmed):
        order = self.fresh()

        def operation():
            order_prepay(
                actor=self.actor,
                order=order,
                cashbox=self.cashbox,
                amount=amount,
                allow_overpayment=confirmed,
            )

        # More than is left to pay needs the cashier's confirmation.
        surplus = amount > order.total - order.paid
        if self.closed or (surplus and not confirmed):
            with pytest.raises(OrderError):
                operation()
            assert self.fresh().paid == order.paid
            return
        operation()

    @rule(to_cashbox=st.booleans())
    def close(self, to_cashbox):
        order = self.fresh()
        settlement = "cashbox" if to_cashbox else "balance"
        if self.closed or not order.items.exists():
            with pytest.raises(OrderError):
                order_close(
                    actor=self.actor, order=order, settlement=settlement, cashbox=self.cashbox
                )
            return
        order_close(actor=self.actor, order=order, settlement=settlement, cashbox=self.cashbox)
        self.closed = True

    @precondition(lambda self: self.closed)
    @rule()
    def reopen(self):
        order_reopen(actor=self.actor, order=self.fresh(), comment="Reopened")
        self.closed = False

    @invariant()
    def books_are_right(self):
        call_command("check_ledger", stdout=StringIO(), stderr=StringIO())
        order = self.fresh()
        assert (order.status.group == OrderStatus.Group.CLOSED) == self.closed
        entries = LedgerEntry.objects.filter(client=self.client)
        charges = sum(
            (
                e.amount
                for e in entries.filter(
                    kind=LedgerEntry.Kind.ORDER_CHARGE, reversed_by__isnull=True
                )
            ),
            ZERO,
        )
        payments = Payment.objects.filter(client=self.client, document_id=order.pk)
        paid = sum((p.amount for p in payments), ZERO)
        assert Client.objects.get(pk=self.client.pk).balance == charges - paid
        assert order.paid == paid
        if self.closed:
            assert charges == order.total


@pytest.mark.django_db
def test_any_sequence_of_order_operations_keeps_the_books_right():
    OrderMachine.actor = EmployeeFactory(role_code="manager")
    run_state_machine_as_test(
        OrderMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
