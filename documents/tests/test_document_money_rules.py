"""Money and documents agree (issue 12): a document's entries are undone only by the
document, closing an order uses the client's advance and says how it was settled, a
prepayment above what is left to pay needs a confirmation, and an order with no lines is
never closed. Through the services, the dialogs and the API."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from documents import orders, sales
from documents.models import Order
from documents.tests.page_helpers import HX, snapshot
from ledger import services as ledger
from ledger.models import Cashbox, LedgerEntry

D = Decimal
NBSP = "\xa0"  # Brazilian money is written "R$ 1.234,56" with a non-breaking space


@pytest.fixture
def till(db):
    return Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)


@pytest.fixture
def ana(db):
    return ClientFactory(first_name="Ana", last_name="Souza")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def line(price: str) -> dict:
    return {"kind": "text", "title": "Screen repair", "price": D(price)}


def make_order(manager, client, price: str = "670.00") -> Order:
    return orders.order_create(actor=manager, client=client, items=[line(price)])


def balance(client) -> Decimal:
    return Client.objects.get(pk=client.pk).balance


def reload(order) -> Order:
    return Order.objects.get(pk=order.pk)


def text(response) -> str:
    """The page's text, tags out and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- 1. a document's entries are reversed only by the document -------------------------------


def _sale(manager, client, till, settlement="balance"):
    return sales.sale_create(
        actor=manager,
        client=client,
        items=[line("80.00")],
        settlement=settlement,
        cashbox=till if settlement == "cashbox" else None,
    )


def _refused_reversal(manager, entry, *expected: str) -> None:
    before = snapshot()
    with pytest.raises(ledger.MoneyError) as refusal:
        ledger.entry_reverse(actor=manager, entry=entry, reason="Mistake")
    message = refusal.value.messages[0]
    for part in expected:
        assert part in message
    assert snapshot() == before


def test_an_orders_charge_and_payments_are_not_reversed_from_the_balance(manager, ana, till):
    order = make_order(manager, ana, "300.00")
    orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("100.00"))
    orders.order_close(actor=manager, order=order, settlement="cashbox", cashbox=till)
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ORDER_CHARGE)
    _refused_reversal(
        manager,
        charge,
        f"This charge belongs to order {order.number}: reopen the order to undo it.",
    )
    for payment in LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT):
        _refused_reversal(manager, payment, f"belongs to order {order.number}")
    # The order's own action still undoes its charge; then the charge shows reversed.
    orders.order_reopen(actor=manager, order=order, comment="Came back")
    assert reload(order).status.group == "in_progress"
    assert balance(ana) == D("-300.00")
    _refused_reversal(manager, charge, order.number)
    call_command("check_ledger")


def test_a_sales_entries_are_not_reversed_from_the_balance(manager, ana, till):
    sale = _sale(manager, ana, till, settlement="cashbox")
    sales.sale_return(actor=manager, sale=sale, cashbox=till, refund=D("30.00"), reason="Broken")
    kinds = LedgerEntry.Kind
    expected = {
        kinds.SALE_CHARGE: f"This charge belongs to sale {sale.number}: make a return to undo it.",
        kinds.PAYMENT: f"belongs to sale {sale.number}: make a return",
        kinds.GOODS_RETURN: f"a return of sale {sale.number}",
        kinds.REFUND: f"a return of sale {sale.number}",
    }
    entries = LedgerEntry.objects.filter(client=ana)
    assert {entry.kind for entry in entries} == set(expected)
    for entry in entries:
        _refused_reversal(manager, entry, expected[entry.kind])


def test_the_balances_own_entries_are_still_reversed(manager, ana, till):
    advance = ledger.advance_accept(actor=manager, client=ana, cashbox=till, amount=D("50.00"))
    reversal = ledger.entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Typo")
    assert reversal.reverses_id == advance.ledger_entry.pk
    assert balance(ana) == D("0.00")


def test_the_balance_tab_offers_reverse_only_on_the_balances_own_entries(
    signed_in, manager, ana, till
):
    order = make_order(manager, ana, "300.00")
    orders.order_close(actor=manager, order=order, settlement="balance")
    sale = _sale(manager, ana, till)
    correction = ledger.balance_correct(actor=manager, client=ana, amount=D("5"), reason="Fee")
    page = signed_in.get(reverse("clients:tab", args=[ana.pk, "balance"]), **HX).content.decode()
    rows = dict(re.findall(r'<tr id="entry-(\d+)">(.*?)</tr>', page, re.S))
    reversible = {int(pk) for pk, row in rows.items() if "/reverse/" in row}
    assert reversible == {correction.pk}
    charges = LedgerEntry.objects.filter(source_id__in=[order.pk, sale.pk]).exclude(source_type="")
    assert len(charges) == 2
    for charge in charges:
        assert charge.source_number in rows[str(charge.pk)]


def test_reversing_a_charge_through_the_page_is_refused_with_the_documents_name(
    signed_in, manager, ana
):
    order = make_order(manager, ana, "300.00")
    orders.order_close(actor=manager, order=order, settlement="balance")
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ORDER_CHARGE)
    before = snapshot()
    url = reverse("ledger:reverse", args=[ana.pk, charge.pk])
    response = signed_in.post(url, {"reason": "Mistake"}, **HX)
    assert f"This charge belongs to order {order.number}: reopen the order to undo it." in (
        text(response)
    )
    assert snapshot() == before


def test_reversing_a_charge_through_the_api_is_refused(api_as, manager, ana, till):
    sale = _sale(manager, ana, till)
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.SALE_CHARGE)
    before = snapshot()
    response = api_as(manager).post(
        f"/api/v1/clients/{ana.pk}/ledger/{charge.pk}/reverse/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"This charge belongs to sale {sale.number}: make a return to undo it."
    }
    assert snapshot() == before


# --- 2. closing an order uses the client's advance --------------------------------------------


@pytest.fixture
def advance_and_order(manager, ana, till):
    """Ana left R$500 as an advance; her order comes to R$670."""
    ledger.advance_accept(actor=manager, client=ana, cashbox=till, amount=D("500.00"))
    return make_order(manager, ana, "670.00")


def test_the_close_plan_takes_the_advance_first(advance_and_order):
    plan = orders.close_plan(reload(advance_and_order))
    assert (plan.on_account, plan.from_advance, plan.left_to_pay) == (
        D("500.00"),
        D("500.00"),
        D("170.00"),
    )
    assert plan.balance_after("cashbox") == D("0.00")
    assert plan.balance_after("balance") == D("170.00")


def test_closing_at_the_till_takes_only_what_the_advance_leaves(
    manager, ana, till, advance_and_order
):
    order = advance_and_order
    orders.order_close(actor=manager, order=order, settlement="cashbox", cashbox=till)
    row = reload(order)
    assert (row.settlement, row.paid, row.paid_at_closing) == ("cashbox", D("170.00"), D("170"))
    assert (row.covered_by_advance, row.charged_to_balance) == (D("500.00"), D("0.00"))
    assert balance(ana) == D("0.00")
    assert Cashbox.objects.get(pk=till.pk).balance == D("670.00")
    call_command("check_ledger")


def test_closing_to_the_balance_uses_the_advance_and_charges_the_rest(
    manager, ana, till, advance_and_order
):
    order = advance_and_order
    orders.order_close(actor=manager, order=order, settlement="balance")
    row = reload(order)
    assert (row.settlement, row.paid, row.paid_at_closing) == ("balance", D("0"), D("0"))
    assert (row.covered_by_advance, row.charged_to_balance) == (D("500.00"), D("170.00"))
    assert balance(ana) == D("170.00")


def test_the_settlement_is_cleared_on_reopen_and_made_again_on_close(
    manager, ana, till, advance_and_order
):
    order = advance_and_order
    orders.order_close(actor=manager, order=order, settlement="cashbox", cashbox=till)
    orders.order_reopen(actor=manager, order=order, comment="One more part")
    row = reload(order)
    assert (row.settlement, row.paid_at_closing, row.covered_by_advance) == ("", 0, 0)
    assert row.charged_to_balance == 0 and row.paid == D("170.00")  # the money stays paid
    assert balance(ana) == D("-670.00")  # the charge is gone: all she paid is on account
    orders.order_item_add(actor=manager, order=order, **line("30.00"))
    orders.order_close(actor=manager, order=order, settlement="balance")
    row = reload(order)
    # R$700: R$170 paid before, R$500 of her credit, R$30 left on the balance.
    assert (row.settlement, row.paid, row.paid_at_closing) == ("balance", D("170.00"), 0)
    assert (row.covered_by_advance, row.charged_to_balance) == (D("500.00"), D("30.00"))
    assert balance(ana) == D("30.00")
    call_command("check_ledger")


def test_a_prepayment_is_not_counted_twice_as_an_advance(manager, ana, till):
    order = make_order(manager, ana, "300.00")
    orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("100.00"))
    plan = orders.close_plan(reload(order))
    assert (plan.on_account, plan.from_advance, plan.left_to_pay) == (0, 0, D("200.00"))


@pytest.mark.parametrize(
    ("language", "amounts"),
    [
        ("en", ["R$500.00", "R$500.00", "R$170.00", "R$0.00", "R$170.00"]),
        ("pt-br", [f"R${NBSP}{n}" for n in ("500,00", "500,00", "170,00", "0,00", "170,00")]),
    ],
)
def test_the_close_dialog_shows_the_advance_and_the_balance_after(
    signed_in, advance_and_order, language, amounts
):
    page = signed_in.get(
        f"/orders/{advance_and_order.pk}/", HTTP_ACCEPT_LANGUAGE=language, **HX
    ).content.decode()
    shown = [
        re.search(rf'class="{css}">([^<·]+)', page).group(1).strip()
        for css in ("close-on-account", "close-from-advance", "close-left-to-pay")
    ]
    shown += [v.strip() for v in re.findall(r'class="close-balance-after">([^<·]+)', page)]
    assert shown == amounts


@pytest.mark.parametrize(
    ("language", "paid_now", "advance"),
    [("en", "R$170.00", "R$500.00"), ("pt-br", f"R${NBSP}170,00", f"R${NBSP}500,00")],
)
def test_the_closed_order_shows_how_it_was_settled(
    signed_in, till, advance_and_order, language, paid_now, advance
):
    url = reverse("documents:order_close", args=[advance_and_order.pk])
    data = {"close-settlement": "cashbox", "close-cashbox": till.pk}
    response = signed_in.post(url, data, HTTP_ACCEPT_LANGUAGE=language, **HX)
    page = response.content.decode()
    assert re.search(r'class="order-paid-at-closing">([^<]+)<', page).group(1) == paid_now
    assert re.search(r'class="order-from-advance">([^<]+)<', page).group(1) == advance
    if language == "en":
        summary = text(response)
        assert f"Paid at closing {paid_now}" in summary
        assert f"Covered by the client's advance {advance}" in summary
        assert "Charged to the balance R$0.00" in summary


def test_the_api_shows_how_an_order_was_settled(api_as, manager, till, advance_and_order):
    api = api_as(manager)
    response = api.post(
        f"/api/v1/orders/{advance_and_order.pk}/close/",
        {"settlement": "balance"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["settlement"] == "balance"
    assert (body["paid"], body["paid_at_closing"]) == ("0.00", "0.00")
    assert (body["covered_by_advance"], body["charged_to_balance"]) == ("500.00", "170.00")


# --- 3. a prepayment above what is left to pay -------------------------------------------------


def test_a_prepayment_above_the_total_needs_a_confirmation(manager, ana, till):
    order = make_order(manager, ana, "210.00")
    before = snapshot()
    with pytest.raises(orders.OrderError) as refusal:
        orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("100000.00"))
    assert refusal.value.message_dict == {
        "allow_overpayment": [
            "R$99,790.00 more than the order total will stay on the client's account. "
            "Confirm to take it anyway."
        ]
    }
    assert snapshot() == before
    orders.order_prepay(
        actor=manager, order=order, cashbox=till, amount=D("100000.00"), allow_overpayment=True
    )
    assert reload(order).paid == D("100000.00")
    assert balance(ana) == D("-100000.00")


def test_up_to_what_is_left_needs_no_confirmation(manager, ana, till):
    order = make_order(manager, ana, "210.00")
    orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("200.00"))
    orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("10.00"))
    with pytest.raises(orders.OrderError, match=r"R\$0\.01 more than is left to pay"):
        orders.order_prepay(actor=manager, order=order, cashbox=till, amount=D("0.01"))
    assert reload(order).paid == D("210.00")


def test_the_prepayment_dialog_asks_before_taking_a_surplus(signed_in, manager, ana, till):
    order = make_order(manager, ana, "210.00")
    url = reverse("documents:order_prepay", args=[order.pk])
    data = {"prepay-amount": "100000", "prepay-cashbox": till.pk}
    before = snapshot()
    response = signed_in.post(url, data, HTTP_ACCEPT_LANGUAGE="pt-br", **HX)
    page = response.content.decode()
    assert f"R${NBSP}99.790,00" in page  # the page's own money format
    assert 'name="prepay-allow_overpayment"' in page
    assert snapshot() == before
    confirmed = signed_in.post(url, {**data, "prepay-allow_overpayment": "on"}, **HX)
    assert confirmed.status_code == 200
    assert reload(order).paid == D("100000.00")


def test_the_api_needs_the_flag_for_a_surplus(api_as, manager, ana, till):
    order = make_order(manager, ana, "210.00")
    api = api_as(manager)
    body = {
        "kind": "advance",
        "client": ana.pk,
        "cashbox": till.pk,
        "amount": "100000.00",
        "order": order.pk,
    }
    before = snapshot()
    refused = api.post("/api/v1/payments/", body, format="json")
    assert refused.status_code == 400
    assert "R$99,790.00 more than the order total" in refused.json()["allow_overpayment"][0]
    assert snapshot() == before
    accepted = api.post("/api/v1/payments/", {**body, "allow_overpayment": True}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert reload(order).paid == D("100000.00")


def test_the_flag_is_only_for_a_document(api_as, manager, ana, till):
    body = {"kind": "advance", "client": ana.pk, "cashbox": till.pk, "amount": "10.00"}
    refused = api_as(manager).post(
        "/api/v1/payments/", {**body, "allow_overpayment": True}, format="json"
    )
    assert refused.status_code == 400
    assert "allow_overpayment" in refused.json()


# --- 4. an order with no lines is not closed ---------------------------------------------------


def test_the_dialog_of_an_empty_order_says_why_it_cannot_be_closed(signed_in, manager, ana, till):
    order = orders.order_create(actor=manager, client=ana)
    page = text(signed_in.get(f"/orders/{order.pk}/", **HX))
    assert "This order has no lines: add the work and parts done before closing it." in page
    assert "Close and settle" not in page
    before = snapshot()
    url = reverse("documents:order_close", args=[order.pk])
    response = signed_in.post(url, {"close-settlement": "cashbox", "close-cashbox": till.pk}, **HX)
    assert "This order has no lines" in text(response)
    assert "fully paid" not in text(response)
    assert snapshot() == before


def test_the_api_refuses_to_close_an_empty_order(api_as, manager, ana):
    order = orders.order_create(actor=manager, client=ana)
    before = snapshot()
    response = api_as(manager).post(
        f"/api/v1/orders/{order.pk}/close/", {"settlement": "balance"}, format="json"
    )
    assert response.status_code == 400
    assert f"Order {order.number} has no lines" in str(response.json())
    assert snapshot() == before
