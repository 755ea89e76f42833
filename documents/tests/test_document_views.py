"""The Documents tab and the document dialogs, through the pages a browser loads."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import estimates, orders, sales
from documents.models import Estimate, Order, Product, Sale, Service
from ledger.models import Cashbox

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shop(db):
    return {
        "till": Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH),
        "screen": Service.objects.create(title="Screen replacement", price=Decimal("250.00")),
        "cable": Product.objects.create(title="USB-C cable", sku="CAB-1", price=Decimal("30.00")),
    }


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_documents_tab_lists_every_type_newest_first(signed_in, manager, client_, shop):
    order = orders.order_create(actor=manager, client=client_)
    estimate = estimates.estimate_create(actor=manager, client=client_)
    sale = sales.sale_create(
        actor=manager,
        client=client_,
        items=[{"kind": "product", "product": shop["cable"]}],
        settlement="cashbox",
        cashbox=shop["till"],
    )
    response = signed_in.get(reverse("clients:tab", args=[client_.pk, "documents"]))
    assert response.status_code == 200
    html = response.content.decode()
    numbers = re.findall(r'data-document="([^"]+)"', html)
    assert numbers == [sale.number, estimate.number, order.number]
    only_orders = signed_in.get(
        reverse("clients:tab", args=[client_.pk, "documents"]) + "?type=order", **HX
    )
    assert re.findall(r'data-document="([^"]+)"', only_orders.content.decode()) == [order.number]


def test_order_flow_through_the_pages(signed_in, manager, client_, shop):
    create_url = reverse("documents:order_create", args=[client_.pk])
    assert signed_in.get(create_url, **HX).status_code == 200
    response = signed_in.post(create_url, {"malfunction": "Cracked screen"}, **HX)
    assert response.status_code == 200, response.content
    order = Order.objects.get(client=client_)
    assert response.headers["HX-Push-Url"] == f"/orders/{order.pk}/"
    items_url = reverse("documents:order_item_add", args=[order.pk])
    signed_in.post(
        items_url,
        {"item": f"service:{shop['screen'].pk}", "quantity": "1", "discount_kind": "percent"},
        **HX,
    )
    signed_in.post(
        items_url,
        {"item": f"product:{shop['cable'].pk}", "quantity": "2", "discount_kind": "percent"},
        **HX,
    )
    order.refresh_from_db()
    assert order.total == Decimal("310.00")
    response = signed_in.post(
        reverse("documents:order_close", args=[order.pk]), {"close-settlement": "balance"}, **HX
    )
    assert response.status_code == 200
    client_.refresh_from_db()
    assert client_.balance == Decimal("310.00")
    assert b"profile-head" in response.content  # header refreshed out of band
    full = signed_in.get(f"/orders/{order.pk}/")
    assert full.status_code == 200
    assert b'id="document-dialog"' in full.content and b"profile-tabs" in full.content


def test_estimate_convert_and_sale_pages(signed_in, manager, client_, shop):
    response = signed_in.post(reverse("documents:estimate_create", args=[client_.pk]), {}, **HX)
    assert response.status_code == 200
    estimate = Estimate.objects.get()
    signed_in.post(
        reverse("documents:estimate_item_add", args=[estimate.pk]),
        {"item": f"service:{shop['screen'].pk}", "quantity": "1", "discount_kind": "percent"},
        **HX,
    )
    response = signed_in.post(reverse("documents:estimate_convert", args=[estimate.pk]), **HX)
    assert response.status_code == 200
    order = Order.objects.get()
    assert order.total == Decimal("250.00")
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-item": f"product:{shop['cable'].pk}",
        "lines-0-quantity": "3",
        "lines-0-discount_kind": "percent",
        "sale-settlement": "cashbox",
        "sale-cashbox": shop["till"].pk,
    }
    response = signed_in.post(reverse("documents:sale_create", args=[client_.pk]), data, **HX)
    assert response.status_code == 200, response.content
    sale = Sale.objects.get()
    assert sale.total == Decimal("90.00")
    client_.refresh_from_db()
    assert client_.balance == 0
    item = sale.items.get()
    response = signed_in.post(
        reverse("documents:sale_return", args=[sale.pk]),
        {f"return-qty_{item.pk}": "1", "return-pay_back": "on", "return-cashbox": shop["till"].pk},
        **HX,
    )
    assert response.status_code == 200
    sale.refresh_from_db()
    assert sale.returned == Decimal("30.00")


def test_a_line_is_edited_in_the_dialog(signed_in, manager, client_, shop):
    order = orders.order_create(
        actor=manager, client=client_, items=[{"kind": "service", "service": shop["screen"]}]
    )
    item = order.items.get()
    edit_url = reverse("documents:order_item_edit", args=[order.pk, item.pk])
    opened = signed_in.get(edit_url, **HX).content.decode()
    assert 'name="line-edit-quantity"' in opened and "Screen replacement" in opened
    data = {
        "line-edit-title": "Screen replacement (OLED)",
        "line-edit-quantity": "1",
        "line-edit-price": "300.00",
        "line-edit-discount": "10",
        "line-edit-discount_kind": "percent",
        "line-edit-warranty_days": "90",
    }
    response = signed_in.post(edit_url, data, **HX)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.total == Decimal("270.00")
    refused = signed_in.post(edit_url, {**data, "line-edit-discount": "101"}, **HX)
    assert "line-edit-form" in refused.content.decode()
    order.refresh_from_db()
    assert order.total == Decimal("270.00")
    estimate = estimates.estimate_create(
        actor=manager, client=client_, items=[{"kind": "product", "product": shop["cable"]}]
    )
    line = estimate.items.get()
    url = reverse("documents:estimate_item_edit", args=[estimate.pk, line.pk])
    signed_in.post(url, {**data, "line-edit-price": "20.00", "line-edit-discount": "0"}, **HX)
    estimate.refresh_from_db()
    assert estimate.total == Decimal("20.00")


# --- the order dialog: its forms, closing and what a closed order left on the balance --------


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_each_form_of_the_order_dialog_has_its_own_ids(signed_in, manager, client_, shop):
    order = orders.order_create(
        actor=manager, client=client_, items=[{"kind": "service", "service": shop["screen"]}]
    )
    item = order.items.get()
    # The line's edit form open too: "+ Line", "Edit line", "Edit", status, close.
    page = signed_in.get(
        reverse("documents:order_item_edit", args=[order.pk, item.pk]), **HX
    ).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids, target
    # "Assignee" of "Edit" names its own select, not the one of "+ Line".
    assert '<label for="id_edit-assignee">Assignee</label>' in page
    assert 'id="field-edit-assignee"' in page and 'id="field-assignee"' in page


def test_the_orders_edit_form_saves_its_fields(signed_in, manager, specialist, client_):
    order = orders.order_create(actor=manager, client=client_)
    response = signed_in.post(
        reverse("documents:order_edit", args=[order.pk]),
        {
            "edit-malfunction": "No sound",
            "edit-manager": manager.pk,
            "edit-assignee": specialist.pk,
        },
        **HX,
    )
    assert response.status_code == 200
    assert 'name="edit-malfunction"' in response.content.decode()
    order.refresh_from_db()
    assert (order.malfunction, order.assignee) == ("No sound", specialist)


@pytest.fixture
def order_310(manager, client_, shop):
    """An open order of R$310.00 with R$100.00 paid in advance."""
    order = orders.order_create(
        actor=manager,
        client=client_,
        items=[
            {"kind": "service", "service": shop["screen"]},
            {"kind": "product", "product": shop["cable"], "quantity": 2},
        ],
    )
    orders.order_prepay(actor=manager, order=order, cashbox=shop["till"], amount=Decimal("100"))
    return order


def test_the_close_form_says_what_each_settlement_does(signed_in, order_310):
    page = _text(signed_in.get(f"/orders/{order_310.pk}/", **HX))
    assert "Total R$310.00, paid so far R$100.00." in page
    assert (
        '<p class="close-outcome" data-show-if="close-settlement:balance">The remaining '
        "R$210.00 will be charged to the client's balance: the client will owe it.</p>"
    ) in page
    assert (
        '<p class="close-outcome" data-show-if="close-settlement:cashbox">The client pays the '
        "remaining R$210.00 now, into the cashbox chosen below; nothing is left on the "
        "client's balance.</p>"
    ) in page


def test_the_close_form_of_a_paid_or_overpaid_order(signed_in, manager, order_310, shop):
    orders.order_prepay(actor=manager, order=order_310, cashbox=shop["till"], amount=210)
    page = _text(signed_in.get(f"/orders/{order_310.pk}/", **HX))
    assert "Total R$310.00, paid so far R$310.00." in page
    assert "The order is fully paid: nothing is charged to the client's balance" in page
    assert "The remaining" not in page
    orders.order_prepay(
        actor=manager, order=order_310, cashbox=shop["till"], amount=40, allow_overpayment=True
    )
    page = _text(signed_in.get(f"/orders/{order_310.pk}/", **HX))
    assert "R$40.00 more than the total was paid: it stays on the client's balance" in page


def _closed_summary(signed_in, order) -> str:
    """The dialog's money summary as text: each label and its amount."""
    page = _text(signed_in.get(f"/orders/{order.pk}/", **HX))
    summary = re.search(r'<div class="money-summary">(.*?)\n  </div>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))


@pytest.mark.parametrize(
    ("settlement", "shown"),
    [
        ("balance", "Total R$310.00 Paid R$100.00 Charged to the balance R$210.00"),
        (
            "cashbox",
            "Total R$310.00 Paid R$310.00 Paid at closing R$210.00 Charged to the balance R$0.00",
        ),
    ],
)
def test_a_closed_order_shows_what_was_charged_to_the_balance(
    signed_in, manager, client_, order_310, shop, settlement, shown
):
    response = signed_in.post(
        reverse("documents:order_close", args=[order_310.pk]),
        {"close-settlement": settlement, "close-cashbox": shop["till"].pk},
        **HX,
    )
    assert response.status_code == 200
    assert _closed_summary(signed_in, order_310).strip() == shown
    client_.refresh_from_db()
    assert client_.balance == Decimal(shown.rsplit("R$", 1)[1])  # what the ledger says


def test_a_closed_overpaid_order_shows_the_credit_left(signed_in, manager, order_310, shop):
    orders.order_prepay(
        actor=manager, order=order_310, cashbox=shop["till"], amount=250, allow_overpayment=True
    )
    orders.order_close(actor=manager, order=order_310, settlement="balance")
    assert _closed_summary(signed_in, order_310).strip() == (
        "Total R$310.00 Paid R$350.00 Left as credit on the balance R$40.00"
    )


# --- The new-sale dialog's total, shown while the lines are typed ---------------------------


def _quote(signed_in, client_, *lines, **extra):
    from documents.tests.page_helpers import sale_data

    url = reverse("documents:sale_quote", args=[client_.pk])
    return signed_in.post(url, {**sale_data(*lines), **extra}, **HX)


def test_the_new_sale_shows_its_total_before_it_is_completed(signed_in, client_, shop):
    from documents.tests.page_helpers import product_line
    from ledger.models import LedgerEntry

    client_.discount_goods = Decimal("10")  # the client's personal discount is proposed
    client_.save()
    dialog = signed_in.get(reverse("documents:sale_create", args=[client_.pk]), **HX)
    assert 'id="sale-quote"' in dialog.content.decode()
    response = _quote(signed_in, client_, product_line(shop["cable"], quantity="3"))
    discount = re.search(r"data-quote-discount>([^<]+)<", response.content.decode()).group(1)
    assert discount == "−R$9.00"  # 10 % of 3 × R$30.00
    total = re.search(r"data-quote-total>([^<]+)<", response.content.decode()).group(1)
    assert total == "R$81.00"
    # Nothing was sold, charged or numbered.
    assert not Sale.objects.exists() and not LedgerEntry.objects.exists()


def test_the_quote_says_what_is_missing_instead_of_a_total(signed_in, client_, shop):
    from documents.tests.page_helpers import product_line

    blank = {"item": "", "quantity": "1", "discount_kind": "percent"}  # as the dialog opens
    empty = _text(_quote(signed_in, client_, blank))
    assert "Choose an item to see the total." in empty
    bad = _text(_quote(signed_in, client_, product_line(shop["cable"], quantity="abc")))
    assert "Check the lines" in bad and "data-quote-total" not in bad
    free = {"item": "text", "title": "Cortesia", "quantity": "1", "price": "0"}
    free["discount_kind"] = "percent"
    zero = _quote(signed_in, client_, free).content.decode()
    assert "total must be greater than zero" in zero and "data-quote-total" not in zero


def test_the_quote_costs_the_same_queries_for_one_line_or_twenty(
    signed_in, client_, shop, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.tests.page_helpers import product_line

    def count(lines: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = _quote(signed_in, client_, *[product_line(shop["cable"])] * lines)
        assert response.status_code == 200 and "data-quote-total" in response.content.decode()
        return len(queries)

    assert count(20) == count(1)


def test_only_who_may_sell_gets_a_quote_and_only_for_a_client_they_see(
    client, specialist, manager, client_, shop
):
    from accounts.models import Role
    from accounts.tests.factories import EmployeeFactory
    from documents.tests.page_helpers import product_line, sale_data

    url = reverse("documents:sale_quote", args=[client_.pk])
    body = sale_data(product_line(shop["cable"]))
    assert client.post(url, body).status_code == 302  # signed out: to the sign-in page
    client.force_login(specialist)  # edits documents but may not close (sell)
    assert client.post(url, body, **HX).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 405
    assert client.post(reverse("documents:sale_quote", args=[999999]), body).status_code == 404
    sells = Role.objects.create(name="Sells", permissions=["documents.edit", "documents.close"])
    blind = EmployeeFactory(role=sells)
    client.force_login(blind)  # may sell but not see clients
    assert client.post(url, body, **HX).status_code == 404


def test_a_removed_line_is_neither_checked_nor_sold(signed_in, client_, shop):
    from documents.tests.page_helpers import product_line, sale_data

    kept = product_line(shop["cable"], quantity="2")
    removed = {**product_line(shop["cable"], quantity="abc"), "DELETE": "on"}
    body = sale_data(kept, removed, cashbox=shop["till"])
    quote = _quote(signed_in, client_, kept, removed).content.decode()
    assert re.search(r"data-quote-total>([^<]+)<", quote).group(1) == "R$60.00"
    response = signed_in.post(reverse("documents:sale_create", args=[client_.pk]), body, **HX)
    assert response.status_code == 200
    sale = Sale.objects.get()
    assert [(i.title, i.quantity) for i in sale.items.all()] == [("USB-C cable", Decimal("2"))]
    assert sale.total == Decimal("60.00")
