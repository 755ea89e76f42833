"""Work orders through ``documents.orders``: numbering, lines and totals, status history,
prepayment, closing (either settlement) and reopening. A refused change writes nothing."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from clients.models import Client
from clients.tests.factories import ClientFactory
from documents.models import Order, OrderItem, OrderStatus, OrderStatusChange
from documents.orders import (
    OrderError,
    first_status,
    order_close,
    order_create,
    order_item_add,
    order_item_remove,
    order_item_update,
    order_prepay,
    order_reopen,
    order_status_set,
)
from documents.totals import DiscountKind, LineKind
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.selectors import resolve_document
from ledger.services import DocumentRef, MoneyError
from ledger.tests.factories import CashboxFactory

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal
Group = OrderStatus.Group


@pytest.fixture
def client():
    return ClientFactory(discount_goods=D("10"), discount_services=D("5"))


@pytest.fixture
def order(manager, client):
    return order_create(actor=manager, client=client, malfunction="Broken screen")


def snapshot(order: Order) -> tuple:
    """Everything a refused change must leave as it was."""
    row = Order.objects.get(pk=order.pk)
    return (
        row.status_id,
        row.total,
        row.paid,
        row.closed_at,
        list(OrderItem.objects.filter(order=order).values_list("pk", "quantity", "price")),
        OrderStatusChange.objects.count(),
        LedgerEntry.objects.count(),
        Payment.objects.count(),
        Client.objects.get(pk=order.client_id).balance,
        sorted(Cashbox.objects.values_list("pk", "balance")),
    )


def balance(client) -> Decimal:
    return Client.objects.get(pk=client.pk).balance


# --- creating --------------------------------------------------------------------------------


def test_orders_are_numbered_in_sequence_and_start_new(manager, client):
    first = order_create(actor=manager, client=client)
    second = order_create(actor=manager, client=client, order_type="Repair")
    assert first.number == "A-000001" and second.number == "A-000002"
    assert first.status.group == Group.NEW
    assert second.order_type == "Repair" and second.created_by == manager
    change = OrderStatusChange.objects.get(order=first)
    assert change.from_status is None and change.to_status == first.status
    assert change.employee == manager


def test_a_refused_order_does_not_take_a_number(manager, client):
    with pytest.raises(OrderError):
        order_create(actor=manager, client=client, order_type="x" * 65)
    assert not Order.objects.exists()
    assert order_create(actor=manager, client=client).number == "A-000001"


def test_order_cannot_start_closed(manager, client):
    with pytest.raises(OrderError):
        order_create(actor=manager, client=client, status=first_status(Group.CLOSED))
    assert not Order.objects.exists()


def test_seeded_statuses_one_per_group():
    assert set(OrderStatus.objects.values_list("group", flat=True)) == set(Group.values)


def test_the_ledger_resolves_orders(order):
    assert resolve_document("order", order.pk) == DocumentRef(
        "order", order.pk, order.number, order.client_id
    )
    assert resolve_document("order", order.pk + 1000) is None


# --- lines and totals ------------------------------------------------------------------------


def test_lines_default_from_the_catalog_and_the_clients_discount(manager, order):
    service = ServiceFactory(title="Screen swap", price=D("200.00"), warranty_days=90)
    product = ProductFactory(title="Screen", price=D("80.00"))
    line = order_item_add(actor=manager, order=order, kind=LineKind.SERVICE, service=service)
    assert (line.title, line.price, line.discount, line.warranty_days) == (
        "Screen swap",
        D("200.00"),
        D("5"),
        90,
    )
    goods = order_item_add(
        actor=manager, order=order, kind=LineKind.PRODUCT, product=product, quantity=D("2")
    )
    assert goods.discount == D("10") and goods.warranty_days == 0
    # 200 − 5 % = 190; 2 × 80 − 10 % = 144
    assert order.total == D("334.00")
    assert Order.objects.get(pk=order.pk).total == D("334.00")
    assert [goods.position, line.position] == [2, 1]


def test_free_text_line_and_amount_discount(manager, order):
    order_item_add(
        actor=manager,
        order=order,
        kind=LineKind.TEXT,
        title="Cleaning",
        price=D("30.00"),
        discount=D("5.00"),
        discount_kind=DiscountKind.AMOUNT,
    )
    assert Order.objects.get(pk=order.pk).total == D("25.00")


def test_update_and_remove_recompute_the_total(manager, order):
    line = order_item_add(
        actor=manager, order=order, kind=LineKind.TEXT, title="Labour", price=D("10.00")
    )
    order_item_update(actor=manager, item=line, quantity=D("3"), discount=D("0"))
    assert Order.objects.get(pk=order.pk).total == D("30.00")
    order_item_remove(actor=manager, item=line)
    assert Order.objects.get(pk=order.pk).total == D("0.00")
    assert not OrderItem.objects.exists()


@pytest.mark.parametrize(
    "numbers",
    [
        {"quantity": D("-1")},
        {"quantity": D("0")},
        {"discount": D("100.01")},
        {"discount": D("20.00"), "discount_kind": DiscountKind.AMOUNT},
        {"price": D("-1.00")},
    ],
)
def test_bad_line_numbers_are_refused_and_nothing_changes(manager, order, numbers):
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_item_add(
            actor=manager,
            order=order,
            kind=LineKind.TEXT,
            title="Labour",
            **{"price": D("10.00"), **numbers},
        )
    assert snapshot(order) == before


def test_bad_update_is_refused_and_nothing_changes(manager, order):
    line = order_item_add(
        actor=manager, order=order, kind=LineKind.TEXT, title="Labour", price=D("10.00")
    )
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_item_update(actor=manager, item=line, discount=D("101"))
    assert snapshot(order) == before


# --- status ----------------------------------------------------------------------------------


def test_status_changes_are_kept(manager, order):
    in_progress = first_status(Group.IN_PROGRESS)
    order_status_set(actor=manager, order=order, status=in_progress, comment="Started")
    change = OrderStatusChange.objects.filter(order=order).last()
    assert (change.from_status.group, change.to_status, change.comment) == (
        Group.NEW,
        in_progress,
        "Started",
    )
    assert Order.objects.get(pk=order.pk).status == in_progress


def test_closing_through_the_status_is_refused(manager, order):
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_status_set(actor=manager, order=order, status=first_status(Group.CLOSED))
    assert snapshot(order) == before


def test_a_paid_order_cannot_be_cancelled(manager, order):
    add_line(manager, order)
    order_prepay(actor=manager, order=order, cashbox=CashboxFactory(), amount=D("10.00"))
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_status_set(actor=manager, order=order, status=first_status(Group.CANCELLED))
    assert snapshot(order) == before


def test_an_unpaid_order_can_be_cancelled_and_is_then_read_only(manager, order):
    order_status_set(actor=manager, order=order, status=first_status(Group.CANCELLED))
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_item_add(actor=manager, order=order, kind=LineKind.TEXT, title="X", price=D("1"))
    with pytest.raises(OrderError):
        order_close(actor=manager, order=order, settlement="balance")
    assert snapshot(order) == before


# --- money -----------------------------------------------------------------------------------


def add_line(manager, order, price="300.00"):
    return order_item_add(
        actor=manager,
        order=order,
        kind=LineKind.TEXT,
        title="Repair",
        price=D(price),
        discount=D("0"),
    )


def test_prepay_then_close_to_balance(manager, order, client):
    add_line(manager, order)
    cashbox = CashboxFactory()
    order_prepay(actor=manager, order=order, cashbox=cashbox, amount=D("100.00"))
    assert Order.objects.get(pk=order.pk).paid == D("100.00")
    assert balance(client) == D("-100.00")
    order_close(actor=manager, order=order, settlement="balance")
    row = Order.objects.get(pk=order.pk)
    assert row.status.group == Group.CLOSED and row.closed_at is not None
    assert balance(client) == D("200.00")  # total − paid
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ORDER_CHARGE)
    assert (charge.amount, charge.source_id, charge.source_number) == (
        D("300.00"),
        order.pk,
        order.number,
    )
    assert Cashbox.objects.get(pk=cashbox.pk).balance == D("100.00")
    call_command("check_ledger")


def test_close_paying_into_a_cashbox_leaves_the_balance_unchanged(manager, order, client):
    add_line(manager, order)
    cashbox = CashboxFactory()
    order_close(actor=manager, order=order, settlement="cashbox", cashbox=cashbox)
    assert balance(client) == D("0.00")
    assert Cashbox.objects.get(pk=cashbox.pk).balance == D("300.00")
    assert Order.objects.get(pk=order.pk).paid == D("300.00")
    call_command("check_ledger")


def test_close_paying_the_rest_into_a_cashbox_after_a_prepayment(manager, order, client):
    add_line(manager, order)
    cashbox = CashboxFactory()
    order_prepay(actor=manager, order=order, cashbox=cashbox, amount=D("100.00"))
    order_close(actor=manager, order=order, settlement="cashbox", cashbox=cashbox)
    # The prepayment and the rest together pay the charge: the order leaves no balance.
    assert balance(client) == D("0.00")
    assert Cashbox.objects.get(pk=cashbox.pk).balance == D("300.00")
    assert Payment.objects.filter(amount=D("200.00"), document_id=order.pk).exists()
    assert Order.objects.get(pk=order.pk).paid == D("300.00")
    call_command("check_ledger")


def test_closing_twice_is_refused(manager, order):
    add_line(manager, order)
    order_close(actor=manager, order=order, settlement="balance")
    before = snapshot(order)
    with pytest.raises(OrderError, match="already closed"):
        order_close(actor=manager, order=order, settlement="balance")
    assert snapshot(order) == before


def test_a_closed_order_is_read_only(manager, order):
    line = add_line(manager, order)
    order_close(actor=manager, order=order, settlement="balance")
    cashbox = CashboxFactory()
    before = snapshot(order)
    for change in (
        lambda: add_line(manager, order),
        lambda: order_item_update(actor=manager, item=line, quantity=D("2")),
        lambda: order_item_remove(actor=manager, item=line),
        lambda: order_prepay(actor=manager, order=order, cashbox=cashbox, amount=1),
        lambda: order_status_set(actor=manager, order=order, status=first_status(Group.DONE)),
    ):
        with pytest.raises(OrderError):
            change()
        assert snapshot(order) == before


def test_close_to_a_cashbox_needs_one(manager, order):
    add_line(manager, order)
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_close(actor=manager, order=order, settlement="cashbox")
    with pytest.raises(OrderError):
        order_close(actor=manager, order=order, settlement="later")
    assert snapshot(order) == before


def test_a_failing_payment_at_close_writes_no_charge(manager, order):
    add_line(manager, order)
    inactive = CashboxFactory(active=False)
    before = snapshot(order)
    with pytest.raises(MoneyError):
        order_close(actor=manager, order=order, settlement="cashbox", cashbox=inactive)
    assert snapshot(order) == before


@pytest.mark.parametrize("settlement", ["balance", "cashbox"])
def test_an_empty_order_is_not_closed(manager, order, settlement):
    till = CashboxFactory()
    before = snapshot(order)
    with pytest.raises(OrderError, match="has no lines"):
        order_close(actor=manager, order=order, settlement=settlement, cashbox=till)
    assert snapshot(order) == before
    assert Order.objects.get(pk=order.pk).settlement == ""


def test_a_free_order_closes_without_a_charge(manager, order):
    add_line(manager, order, price="0.00")  # warranty work: lines, nothing to charge
    order_close(actor=manager, order=order, settlement="balance")
    assert not LedgerEntry.objects.exists()
    row = Order.objects.get(pk=order.pk)
    assert row.status.group == Group.CLOSED
    assert (row.paid_at_closing, row.covered_by_advance, row.charged_to_balance) == (0, 0, 0)


def test_bad_prepayment_is_refused(manager, order):
    cashbox = CashboxFactory()
    before = snapshot(order)
    with pytest.raises(MoneyError):
        order_prepay(actor=manager, order=order, cashbox=cashbox, amount=D("-5"))
    assert snapshot(order) == before


def test_reopen_reverses_the_charge(manager, order, client):
    add_line(manager, order)
    order_close(actor=manager, order=order, settlement="balance")
    assert balance(client) == D("300.00")
    order_reopen(actor=manager, order=order, comment="Customer came back")
    row = Order.objects.get(pk=order.pk)
    assert row.status.group == Group.IN_PROGRESS and row.closed_at is None
    assert balance(client) == D("0.00")
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.reverses.kind == LedgerEntry.Kind.ORDER_CHARGE
    # Open again: it can change and be closed again, charging the new total once.
    add_line(manager, order, price="50.00")
    order_close(actor=manager, order=order, settlement="balance")
    assert balance(client) == D("350.00")
    call_command("check_ledger")


def test_reopen_needs_a_closed_order_and_a_reason(manager, order):
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_reopen(actor=manager, order=order, comment="why not")
    add_line(manager, order)
    order_close(actor=manager, order=order, settlement="balance")
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_reopen(actor=manager, order=order, comment="  ")
    assert snapshot(order) == before


def test_a_payment_for_an_order_through_the_api_is_a_prepayment(manager, order, api_as):
    add_line(manager, order)
    cashbox = CashboxFactory()
    response = api_as(manager).post(
        "/api/v1/payments/",
        {
            "kind": "advance",
            "client": order.client_id,
            "cashbox": cashbox.pk,
            "amount": "120.00",
            "order": order.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["order"] == order.pk
    order.refresh_from_db()
    assert order.paid == Decimal("120.00")
    assert Payment.objects.filter(document_type="order", document_id=order.pk).count() == 1
    call_command("check_ledger")
