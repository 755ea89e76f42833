"""Sales through ``documents.sales``: paid now or charged to the balance, returns (in parts,
whole, with or without money back) and payments for a sale made later. A refused sale or
return writes nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from clients.models import Client
from clients.tests.factories import ClientFactory
from documents.models import Sale, SaleItem, SaleReturn
from documents.sales import SaleError, sale_create, sale_return
from documents.totals import DiscountKind, LineKind
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.selectors import resolve_document
from ledger.services import DocumentRef, MoneyError, advance_accept, document_pay
from ledger.tests.factories import CashboxFactory, CashlessCashboxFactory

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def client():
    return ClientFactory(discount_goods=D("10"), discount_services=D("5"))


@pytest.fixture
def till():
    return CashboxFactory(title="Front till")


def text(price: str, quantity: str = "1", title: str = "Goods") -> dict:
    return {
        "kind": LineKind.TEXT,
        "title": title,
        "price": D(price),
        "quantity": D(quantity),
        "discount": D("0"),
    }


def balance(client) -> Decimal:
    return Client.objects.get(pk=client.pk).balance


def cash(cashbox) -> Decimal:
    return Cashbox.objects.get(pk=cashbox.pk).balance


def books_are_right() -> None:
    err = StringIO()
    call_command("check_ledger", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def snapshot(sale: Sale | None = None) -> tuple:
    """Everything a refused sale or return must leave as it was."""
    rows = ()
    if sale is not None:
        row = Sale.objects.get(pk=sale.pk)
        rows = (
            row.paid,
            row.returned,
            list(
                SaleItem.objects.filter(sale=row).values_list(
                    "pk", "returned_quantity", "returned_amount"
                )
            ),
        )
    return (
        *rows,
        Sale.objects.count(),
        SaleReturn.objects.count(),
        LedgerEntry.objects.count(),
        Payment.objects.count(),
        sorted(Client.objects.values_list("pk", "balance")),
        sorted(Cashbox.objects.values_list("pk", "balance")),
    )


@pytest.fixture
def paid_sale(manager, client, till):
    """Three units at 100.00 and one at 50.00, paid now: 350.00 in the till."""
    return sale_create(
        actor=manager,
        client=client,
        items=[text("100.00", "3", "Charger"), text("50.00", "1", "Cable")],
        settlement="cashbox",
        cashbox=till,
    )


def lines_of(sale: Sale) -> list[SaleItem]:
    return list(SaleItem.objects.filter(sale=sale).order_by("position"))


# --- making a sale ---------------------------------------------------------------------------


def test_a_sale_paid_now_leaves_the_balance_and_fills_the_till(manager, client, till):
    sale = sale_create(
        actor=manager,
        client=client,
        items=[text("120.00", "2"), text("10.50")],
        settlement="cashbox",
        cashbox=till,
    )
    row = Sale.objects.get(pk=sale.pk)
    assert row.number == "S-000001"
    assert (row.total, row.paid, row.returned) == (D("250.50"), D("250.50"), D("0.00"))
    assert (row.manager, row.created_by) == (manager, manager)
    assert balance(client) == D("0.00")
    assert cash(till) == D("250.50")
    payment = Payment.objects.get()
    assert (payment.document_type, payment.document_id, payment.document_number) == (
        "sale",
        sale.pk,
        sale.number,
    )
    assert (payment.category, payment.amount, payment.client_id) == (
        Payment.Category.SALE_PAYMENT,
        D("250.50"),
        client.pk,
    )
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.SALE_CHARGE)
    assert (charge.amount, charge.source_type, charge.source_id) == (D("250.50"), "sale", sale.pk)
    books_are_right()


def test_sales_are_numbered_in_their_own_sequence(manager, client, till):
    numbers = [
        sale_create(
            actor=manager, client=client, items=[text("1.00")], settlement="cashbox", cashbox=till
        ).number
        for _ in range(3)
    ]
    assert numbers == ["S-000001", "S-000002", "S-000003"]


def test_catalog_lines_take_the_clients_personal_discount(manager, client, till):
    product = ProductFactory(price=D("80.00"))
    service = ServiceFactory(price=D("200.00"))
    sale = sale_create(
        actor=manager,
        client=client,
        items=[
            {"kind": LineKind.PRODUCT, "product": product, "quantity": D("2")},
            {"kind": LineKind.SERVICE, "service": service},
        ],
        settlement="cashbox",
        cashbox=till,
    )
    goods, work = lines_of(sale)
    assert (goods.discount, work.discount) == (D("10.00"), D("5.00"))
    assert Sale.objects.get(pk=sale.pk).total == D("334.00")  # 144 + 190
    assert cash(till) == D("334.00")


def test_a_sale_charged_to_the_balance_raises_it_by_the_total(manager, client):
    sale = sale_create(
        actor=manager, client=client, items=[text("75.00", "2")], settlement="balance"
    )
    assert balance(client) == D("150.00")
    assert Sale.objects.get(pk=sale.pk).paid == D("0.00")
    assert not Payment.objects.exists()
    books_are_right()


def test_an_open_advance_offsets_a_sale_charged_to_the_balance(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount=D("100.00"))
    assert balance(client) == D("-100.00")
    sale_create(actor=manager, client=client, items=[text("60.00")], settlement="balance")
    assert balance(client) == D("-40.00")  # we still owe the client 40
    sale_create(actor=manager, client=client, items=[text("60.00")], settlement="balance")
    assert balance(client) == D("20.00")  # now the client owes 20
    assert cash(till) == D("100.00")
    books_are_right()


def test_the_ledger_resolves_sales(paid_sale):
    assert resolve_document("sale", paid_sale.pk) == DocumentRef(
        "sale", paid_sale.pk, paid_sale.number, paid_sale.client_id
    )
    assert resolve_document("sale", paid_sale.pk + 1000) is None


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "items"),
        ([text("0.00")], "items"),
        (
            [
                {
                    "kind": LineKind.TEXT,
                    "title": "Free",
                    "price": D("10.00"),
                    "discount": D("100"),
                    "discount_kind": DiscountKind.PERCENT,
                }
            ],
            "items",
        ),
        ([text("-5.00")], "price"),
        ([{**text("5.00"), "quantity": D("0")}], "quantity"),
    ],
    ids=["no lines", "zero price", "full discount", "negative price", "zero quantity"],
)
def test_a_sale_worth_nothing_or_with_a_bad_line_is_refused(manager, client, till, items, field):
    before = snapshot()
    with pytest.raises(SaleError) as refused:
        sale_create(actor=manager, client=client, items=items, settlement="cashbox", cashbox=till)
    assert field in refused.value.message_dict
    assert snapshot() == before
    # The refused sale took no number.
    sale = sale_create(
        actor=manager, client=client, items=[text("1.00")], settlement="cashbox", cashbox=till
    )
    assert sale.number == "S-000001"


@pytest.mark.parametrize("kind", [LineKind.PRODUCT, LineKind.SERVICE])
def test_an_item_no_longer_offered_cannot_be_sold(manager, client, till, kind):
    item = (ProductFactory if kind == LineKind.PRODUCT else ServiceFactory)(active=False)
    before = snapshot()
    with pytest.raises(SaleError) as refused:
        sale_create(
            actor=manager,
            client=client,
            items=[text("10.00"), {"kind": kind, kind: item}],
            settlement="cashbox",
            cashbox=till,
        )
    assert kind in refused.value.message_dict
    assert snapshot() == before


def test_a_sale_needs_a_settlement_and_a_cashbox_when_paid_now(manager, client, till):
    before = snapshot()
    with pytest.raises(SaleError) as refused:
        sale_create(actor=manager, client=client, items=[text("5.00")], settlement="cashbox")
    assert "cashbox" in refused.value.message_dict
    with pytest.raises(SaleError) as refused:
        sale_create(actor=manager, client=client, items=[text("5.00")], settlement="later")
    assert "settlement" in refused.value.message_dict
    assert snapshot() == before


def test_a_sale_paid_into_an_inactive_cashbox_is_refused_whole(manager, client):
    closed = CashboxFactory(active=False)
    before = snapshot()
    with pytest.raises(MoneyError):
        sale_create(
            actor=manager, client=client, items=[text("5.00")], settlement="cashbox", cashbox=closed
        )
    # Not even the charge stays: the sale, its number and the ledger are as they were.
    assert snapshot() == before


def test_an_inactive_seller_is_refused(manager, make_employee, client, till):
    gone = make_employee("manager", is_active=False)
    before = snapshot()
    with pytest.raises(SaleError):
        sale_create(
            actor=manager,
            client=client,
            items=[text("5.00")],
            settlement="cashbox",
            cashbox=till,
            manager=gone,
        )
    assert snapshot() == before


# --- returns ---------------------------------------------------------------------------------


def test_a_partial_return_credits_the_lines_brought_back(manager, client, paid_sale):
    chargers, cable = lines_of(paid_sale)
    record = sale_return(actor=manager, sale=paid_sale, lines={cable.pk: D("1")}, reason="Broken")
    assert (record.amount, record.refunded, record.cashbox) == (D("50.00"), D("0.00"), None)
    assert balance(client) == D("-50.00")  # we owe the client the cable
    row = Sale.objects.get(pk=paid_sale.pk)
    assert (row.returned, row.return_state) == (D("50.00"), "partial")
    assert SaleItem.objects.get(pk=cable.pk).returned_quantity == D("1")
    assert SaleItem.objects.get(pk=chargers.pk).returned_quantity == D("0")
    credit = LedgerEntry.objects.get(kind=LedgerEntry.Kind.GOODS_RETURN)
    assert (credit.amount, credit.source_id, credit.comment) == (
        D("-50.00"),
        paid_sale.pk,
        "Broken",
    )
    books_are_right()


def sale_of(manager, client, **line) -> tuple[Sale, SaleItem]:
    sale = sale_create(
        actor=manager, client=client, items=[{**text("0"), **line}], settlement="balance"
    )
    (item,) = lines_of(sale)
    return sale, item


@pytest.mark.parametrize(
    ("line", "parts", "credits"),
    [
        # Thirds of 100.02: each a cent-exact 33.34 (on SQLite their float sum was 100.02…01).
        ({"price": D("33.34"), "quantity": D("3")}, ["1", "1", "1"], ["33.34", "33.34", "33.34"]),
        # 290.00 for 3 does not divide into cents: the last part takes what is left.
        (
            {
                "price": D("100.00"),
                "quantity": D("3"),
                "discount": D("10.00"),
                "discount_kind": DiscountKind.AMOUNT,
            },
            ["1", "0.5", "1.5"],
            ["96.67", "48.33", "145.00"],
        ),
        # Fractions of a unit (0.1 + 0.2 is not 0.3 in floating point).
        ({"price": D("10.00"), "quantity": D("0.3")}, ["0.1", "0.2"], ["1.00", "2.00"]),
    ],
    ids=["thirds", "uneven", "fractions"],
)
def test_a_line_returned_in_parts_credits_exactly_its_total(manager, client, line, parts, credits):
    sale, item = sale_of(manager, client, **line)
    credited = [
        sale_return(actor=manager, sale=sale, lines={item.pk: D(part)}).amount for part in parts
    ]
    assert credited == [D(c) for c in credits]
    assert sum(credited) == item.total
    stored = SaleItem.objects.get(pk=item.pk)
    assert (stored.returned_quantity, stored.returned_amount) == (item.quantity, item.total)
    row = Sale.objects.get(pk=sale.pk)
    assert (row.returned, row.return_state) == (row.total, "full")
    # Charged the total, credited it back in parts: the client owes nothing.
    assert balance(client) == D("0.00")
    books_are_right()


def test_a_whole_return_takes_back_everything_left(manager, client, paid_sale, till):
    chargers, cable = lines_of(paid_sale)
    sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("1")})
    record = sale_return(actor=manager, sale=paid_sale, cashbox=till)
    assert record.amount == D("250.00")  # two chargers and the cable
    assert record.refunded == D("250.00")
    assert {line.item_id: line.quantity for line in record.lines.all()} == {
        chargers.pk: D("2"),
        cable.pk: D("1"),
    }
    row = Sale.objects.get(pk=paid_sale.pk)
    assert (row.returned, row.return_state) == (row.total, "full")
    # Credited 350, paid back 250: we still owe the client the first charger.
    assert balance(client) == D("-100.00")
    assert cash(till) == D("100.00")
    refund = Payment.objects.get(category=Payment.Category.REFUND)
    assert (refund.document_type, refund.document_id, refund.amount) == (
        "sale",
        paid_sale.pk,
        D("250.00"),
    )
    before = snapshot(paid_sale)
    with pytest.raises(SaleError, match="already returned"):
        sale_return(actor=manager, sale=paid_sale)
    assert snapshot(paid_sale) == before
    books_are_right()


@pytest.mark.parametrize("quantity", ["3.001", "4", "0", "-1", "0.0001"])
def test_returning_more_than_is_left_or_a_bad_quantity_is_refused(
    manager, paid_sale, till, quantity
):
    chargers, _cable = lines_of(paid_sale)
    before = snapshot(paid_sale)
    with pytest.raises(SaleError) as refused:
        sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D(quantity)}, cashbox=till)
    assert "quantity" in refused.value.message_dict or "lines" in refused.value.message_dict
    assert snapshot(paid_sale) == before


def test_returning_more_than_is_left_after_a_partial_return_is_refused(manager, paid_sale):
    chargers, _cable = lines_of(paid_sale)
    sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("2")})
    before = snapshot(paid_sale)
    with pytest.raises(SaleError, match="at most 1"):
        sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("2")})
    assert snapshot(paid_sale) == before


def test_a_line_of_another_sale_or_nothing_cannot_be_returned(manager, client, paid_sale):
    other = sale_create(actor=manager, client=client, items=[text("5.00")], settlement="balance")
    (foreign,) = lines_of(other)
    before = snapshot(paid_sale)
    with pytest.raises(SaleError):
        sale_return(actor=manager, sale=paid_sale, lines={foreign.pk: D("1")})
    with pytest.raises(SaleError):
        sale_return(actor=manager, sale=paid_sale, lines={})
    assert snapshot(paid_sale) == before


def test_money_back_is_at_most_what_the_return_credits(manager, client, paid_sale, till):
    chargers, _cable = lines_of(paid_sale)
    before = snapshot(paid_sale)
    with pytest.raises(SaleError) as refused:
        sale_return(
            actor=manager,
            sale=paid_sale,
            lines={chargers.pk: D("1")},
            cashbox=till,
            refund=D("100.01"),
        )
    assert "refund" in refused.value.message_dict
    assert snapshot(paid_sale) == before
    record = sale_return(
        actor=manager, sale=paid_sale, lines={chargers.pk: D("1")}, cashbox=till, refund=D("60")
    )
    assert (record.amount, record.refunded) == (D("100.00"), D("60.00"))
    assert balance(client) == D("-40.00")
    assert cash(till) == D("290.00")
    books_are_right()


def test_money_back_needs_a_cashbox(manager, paid_sale):
    chargers, _cable = lines_of(paid_sale)
    before = snapshot(paid_sale)
    with pytest.raises(SaleError) as refused:
        sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("1")}, refund=D("10"))
    assert "cashbox" in refused.value.message_dict
    assert snapshot(paid_sale) == before


def test_money_back_is_at_most_what_was_paid_and_not_yet_paid_back(manager, client, till):
    sale = sale_create(
        actor=manager, client=client, items=[text("100.00", "2")], settlement="balance"
    )
    (line,) = lines_of(sale)
    before = snapshot(sale)
    # Charged to the balance and never paid: nothing to pay back, only a credit.
    with pytest.raises(SaleError, match="Only"):
        sale_return(actor=manager, sale=sale, lines={line.pk: D("1")}, cashbox=till)
    assert snapshot(sale) == before

    # Paid 150 of it later: a first return pays back 100, the second at most the 50 left.
    document_pay(
        actor=manager,
        client=client,
        cashbox=till,
        amount=D("150.00"),
        document=DocumentRef("sale", sale.pk, sale.number, client.pk),
    )
    sale_return(actor=manager, sale=sale, lines={line.pk: D("1")}, cashbox=till)
    before = snapshot(sale)
    with pytest.raises(SaleError, match="50"):
        sale_return(actor=manager, sale=sale, lines={line.pk: D("1")}, cashbox=till)
    assert snapshot(sale) == before
    record = sale_return(
        actor=manager, sale=sale, lines={line.pk: D("1")}, cashbox=till, refund=D("50.00")
    )
    assert record.refunded == D("50.00")
    # Charged 200, paid 150, credited 200, paid back 150: square.
    assert balance(client) == D("0.00")
    assert cash(till) == D("0.00")
    books_are_right()


def test_money_back_from_a_till_that_lacks_it_is_refused_whole(manager, client, paid_sale):
    empty = CashboxFactory(title="Empty till")
    chargers, _cable = lines_of(paid_sale)
    before = snapshot(paid_sale)
    with pytest.raises(MoneyError) as refused:
        sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("1")}, cashbox=empty)
    assert "Empty till" in refused.value.message_dict["cashbox"][0]
    # Not even the credit stays.
    assert snapshot(paid_sale) == before


def test_money_back_from_a_bank_account_may_take_it_below_zero(manager, client, paid_sale):
    bank = CashlessCashboxFactory()
    chargers, _cable = lines_of(paid_sale)
    sale_return(actor=manager, sale=paid_sale, lines={chargers.pk: D("1")}, cashbox=bank)
    assert cash(bank) == D("-100.00")
    assert balance(client) == D("0.00")
    books_are_right()


# --- paying a sale later ---------------------------------------------------------------------


def test_a_payment_for_a_sale_charged_to_the_balance_moves_its_amount_paid(manager, client, till):
    sale = sale_create(actor=manager, client=client, items=[text("90.00")], settlement="balance")
    ref = DocumentRef("sale", sale.pk, sale.number, client.pk)
    payment = document_pay(actor=manager, client=client, cashbox=till, amount="40.00", document=ref)
    assert (payment.document_type, payment.document_id, payment.category) == (
        "sale",
        sale.pk,
        Payment.Category.SALE_PAYMENT,
    )
    assert Sale.objects.get(pk=sale.pk).paid == D("40.00")
    document_pay(actor=manager, client=client, cashbox=till, amount="50.00", document=ref)
    assert Sale.objects.get(pk=sale.pk).paid == D("90.00")
    assert balance(client) == D("0.00")
    assert cash(till) == D("90.00")
    books_are_right()


def test_a_refused_payment_for_a_sale_leaves_its_amount_paid(manager, client, till):
    sale = sale_create(actor=manager, client=client, items=[text("90.00")], settlement="balance")
    ref = DocumentRef("sale", sale.pk, sale.number, client.pk)
    closed = CashboxFactory(active=False)
    before = snapshot(sale)
    with pytest.raises(MoneyError):
        document_pay(actor=manager, client=client, cashbox=till, amount="0.001", document=ref)
    with pytest.raises(MoneyError):
        document_pay(actor=manager, client=client, cashbox=closed, amount="10.00", document=ref)
    assert snapshot(sale) == before
