"""Bad input through the Documents pages: each refusal comes back as the dialog with a clear
message (the section it came from opened), nothing in the database changes and the Documents
list is not told to reload. Whatever a user typed is shown escaped."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import estimates, orders, sales
from documents.models import Estimate, Order
from documents.tests.factories import ProductFactory, ServiceFactory
from documents.tests.page_helpers import HX, product_line, sale_data, service_line, snapshot
from ledger.models import Cashbox

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def shop(db):
    return {
        "till": Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH),
        "screen": ServiceFactory(title="Screen replacement", price=Decimal("250.00")),
        "cable": ProductFactory(title="USB-C cable", price=Decimal("30.00")),
    }


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


@pytest.fixture
def http(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def order(manager, client_, shop):
    order = orders.order_create(actor=manager, client=client_)
    orders.order_item_add(actor=manager, order=order, kind="service", service=shop["screen"])
    return order


@pytest.fixture
def closed_order(manager, order):
    return orders.order_close(actor=manager, order=order, settlement="balance")


@pytest.fixture
def estimate(manager, client_, shop):
    estimate = estimates.estimate_create(actor=manager, client=client_)
    estimates.estimate_item_add(
        actor=manager, estimate=estimate, kind="service", service=shop["screen"]
    )
    return estimate


@pytest.fixture
def sale(manager, client_, shop):
    """Two cables sold and paid into the till."""
    return sales.sale_create(
        actor=manager,
        client=client_,
        items=[{"kind": "product", "product": shop["cable"], "quantity": Decimal("2")}],
        settlement="cashbox",
        cashbox=shop["till"],
    )


def refused(http, url: str, data: dict, *messages: str, htmx: bool = True) -> str:
    """Post ``data`` and check the refusal: the dialog again with every one of ``messages``,
    no redirect, nothing written, the list not told to reload. Returns the page's text."""
    before = snapshot()
    response = http.post(url, data, **(HX if htmx else {}))
    assert response.status_code == 200, response.status_code
    assert "HX-Trigger" not in response.headers
    assert "HX-Push-Url" not in response.headers
    text = html.unescape(response.content.decode())
    for message in messages:
        assert text.count(message) == 1, (message, text)  # shown, and only once
    assert 'id="document-dialog"' in text
    assert snapshot() == before
    return text


def line_url(document) -> str:
    name = "order_item_add" if isinstance(document, Order) else "estimate_item_add"
    return reverse(f"documents:{name}", args=[document.pk])


# --- lines -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["order", "estimate"])
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"quantity": "0"}, "greater than zero"),
        ({"quantity": "abc"}, "Enter a number, such as 150.75."),
        ({"price": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"discount": "101"}, "A discount in percent is between 0 and 100."),
        ({"discount": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"discount": "300", "discount_kind": "amount"}, "at most the line's amount"),
        ({"discount_kind": "bogus"}, "Select a valid choice."),
        ({"item": "service:999999"}, "Select a valid choice."),
        ({"item": "service:abc"}, "Select a valid choice."),
        ({"item": ""}, "This field is required."),
        ({"warranty_days": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"title": "x" * 300}, "at most"),
        ({"assignee": "999999"}, "Select a valid choice."),
    ],
    ids=lambda v: str(v) if isinstance(v, str) else "-".join(f"{k}={v[k][:12]}" for k in v),
)
def test_a_bad_line_is_refused_with_its_reason(http, shop, order, estimate, kind, change, message):
    document = {"order": order, "estimate": estimate}[kind]
    data = {**service_line(shop["screen"]), **change}
    text = refused(http, line_url(document), data, message)
    assert '<details class="action" open>' in text  # the line form is open again


@pytest.mark.parametrize("kind", ["order", "estimate"])
def test_a_lines_optional_fields_are_kept(http, manager, shop, order, estimate, kind):
    """The counterpart of the refusals above: the same form, filled in well, is saved."""
    document = {"order": order, "estimate": estimate}[kind]
    data = {
        **service_line(shop["screen"]),
        "quantity": "2",
        "price": "200",
        "discount": "10",
        "warranty_days": "30",
        "assignee": manager.pk,
    }
    response = http.post(line_url(document), data, **HX)
    assert response.status_code == 200
    assert "documents-changed" in response.headers["HX-Trigger"]
    line = document.items.order_by("-pk").first()
    assert (line.quantity, line.price, line.discount) == (2, 200, 10)
    assert (line.warranty_days, line.assignee, line.service) == (30, manager, shop["screen"])
    document.refresh_from_db()
    assert document.total == Decimal("250.00") + Decimal("360.00")


@pytest.mark.parametrize("kind", ["order", "estimate"])
def test_a_free_text_line_needs_a_title_and_a_price(http, order, estimate, kind):
    document = {"order": order, "estimate": estimate}[kind]
    data = {"item": "text", "title": "  ", "quantity": "1", "discount_kind": "percent"}
    refused(
        http,
        line_url(document),
        data,
        "Enter a title for a free-text line.",
        "Enter a price for a free-text line.",
    )


def test_an_item_no_longer_offered_cannot_be_added(http, shop, order):
    shop["screen"].active = False
    shop["screen"].save()
    refused(http, line_url(order), service_line(shop["screen"]), "Select a valid choice.")


def test_a_line_cannot_be_added_to_a_closed_order(http, shop, closed_order):
    refused(
        http,
        line_url(closed_order),
        service_line(shop["screen"]),
        f"Order {closed_order.number} is closed and cannot be changed.",
    )


def test_a_bad_line_for_a_closed_order_shows_its_errors_at_the_top(http, shop, closed_order):
    """The line form is gone from a closed order's dialog; its errors are not."""
    data = {**service_line(shop["screen"]), "quantity": "-1"}
    text = refused(http, line_url(closed_order), data, "Ensure this value is greater than")
    assert 'class="line-form"' not in text


def test_a_line_of_a_closed_order_cannot_be_removed(http, closed_order):
    item = closed_order.items.get()
    url = reverse("documents:order_item_remove", args=[closed_order.pk, item.pk])
    refused(http, url, {}, f"Order {closed_order.number} is closed and cannot be changed.")


def test_a_converted_estimate_takes_no_more_lines(http, manager, shop, estimate):
    estimates.estimate_convert(actor=manager, estimate=estimate)
    refused(
        http,
        line_url(estimate),
        service_line(shop["screen"]),
        f"Estimate {estimate.number} was converted into an order and cannot be changed.",
    )
    refused(
        http,
        reverse("documents:estimate_status", args=[estimate.pk]),
        {"status": "sent"},
        f"Estimate {estimate.number} was converted into an order and cannot be changed.",
    )


def test_without_htmx_a_refusal_is_the_whole_page_with_the_dialog(http, shop, order):
    text = refused(
        http,
        line_url(order),
        {**service_line(shop["screen"]), "quantity": "-1"},
        "Ensure this value is greater than or equal to 0.",
        htmx=False,
    )
    assert "profile-tabs" in text and 'id="documents-list"' in text


# --- order actions ---------------------------------------------------------------------------


def test_a_closed_order_refuses_edits_prepayments_and_status_changes(http, shop, closed_order):
    closed = f"Order {closed_order.number} is closed"
    refused(
        http,
        reverse("documents:order_edit", args=[closed_order.pk]),
        {"edit-malfunction": "Changed after closing"},
        f"{closed} and cannot be changed.",
    )
    refused(
        http,
        reverse("documents:order_prepay", args=[closed_order.pk]),
        {"prepay-amount": "10", "prepay-cashbox": shop["till"].pk},
        f"{closed} and cannot be changed.",
    )
    refused(
        http,
        reverse("documents:order_status", args=[closed_order.pk]),
        {"status": closed_order.status.__class__.objects.get(group="pending").pk},
        f"{closed}; reopen it to change its status.",
    )


def test_a_cancelled_order_is_not_closed(http, manager, order):
    cancelled = order.status.__class__.objects.get(group="cancelled")
    orders.order_status_set(actor=manager, order=order, status=cancelled)
    refused(
        http,
        reverse("documents:order_close", args=[order.pk]),
        {"close-settlement": "balance"},
        f"Order {order.number} is cancelled and cannot be closed.",
    )


def test_closing_twice_is_refused(http, closed_order):
    refused(
        http,
        reverse("documents:order_close", args=[closed_order.pk]),
        {"close-settlement": "balance"},
        f"Order {closed_order.number} is already closed.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"close-settlement": "cashbox"}, "Choose the cashbox the rest is paid into."),
        ({"close-settlement": "barter"}, "Select a valid choice."),
        ({}, "This field is required."),
    ],
)
def test_closing_needs_a_way_to_settle(http, order, data, message):
    refused(http, reverse("documents:order_close", args=[order.pk]), data, message)


def test_reopening_needs_a_reason_and_a_closed_order(http, order, closed_order):
    url = reverse("documents:order_reopen", args=[closed_order.pk])
    refused(http, url, {"reopen-comment": ""}, "This field is required.")
    orders.order_reopen(actor=closed_order.manager, order=closed_order, comment="mistake")
    refused(http, url, {"reopen-comment": "again"}, f"Order {closed_order.number} is not closed.")


@pytest.mark.parametrize(
    ("amount", "cashbox", "message"),
    [
        ("0", True, "Enter an amount greater than zero."),
        ("-10", True, "Enter an amount greater than zero."),
        ("10", False, "This field is required."),
        ("10.005", True, "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_a_bad_prepayment_is_refused(http, shop, order, amount, cashbox, message):
    data = {"prepay-amount": amount}
    if cashbox:
        data["prepay-cashbox"] = shop["till"].pk
    refused(http, reverse("documents:order_prepay", args=[order.pk]), data, message)


def test_an_order_paid_for_cannot_be_cancelled(http, manager, shop, order):
    orders.order_prepay(actor=manager, order=order, cashbox=shop["till"], amount=Decimal("10"))
    cancelled = order.status.__class__.objects.get(group="cancelled")
    refused(
        http,
        reverse("documents:order_status", args=[order.pk]),
        {"status": cancelled.pk},
        "Money was paid for this order: it cannot be cancelled.",
    )


def test_an_order_is_not_closed_through_the_status_select(http, order):
    closed = order.status.__class__.objects.get(group="closed")
    refused(
        http,
        reverse("documents:order_status", args=[order.pk]),
        {"status": closed.pk},
        "Select a valid choice.",
    )


def test_a_bad_order_edit_is_refused(http, order):
    refused(
        http,
        reverse("documents:order_edit", args=[order.pk]),
        {"edit-due_date": "31/02/2026", "edit-manager": "999999"},
        "Enter a valid date.",
        "Select a valid choice.",
    )


def test_a_bad_new_order_is_refused(http, client_):
    before = snapshot()
    response = http.post(
        reverse("documents:order_create", args=[client_.pk]),
        {"malfunction": "x" * 20_000},
        **HX,
    )
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    assert snapshot() == before


# --- estimates -------------------------------------------------------------------------------


def test_converting_an_estimate_twice_is_refused(http, estimate):
    url = reverse("documents:estimate_convert", args=[estimate.pk])
    assert http.post(url, **HX).status_code == 200
    order = Order.objects.get(pk=Estimate.objects.get(pk=estimate.pk).order_id)
    refused(
        http,
        url,
        {},
        f"Estimate {estimate.number} was already converted into order {order.number}.",
    )
    assert Order.objects.count() == 1


def test_a_cancelled_estimate_is_not_converted(http, manager, estimate):
    estimates.estimate_status_set(actor=manager, estimate=estimate, status="cancelled")
    refused(
        http,
        reverse("documents:estimate_convert", args=[estimate.pk]),
        {},
        f"Estimate {estimate.number} is cancelled and cannot be converted.",
    )


def test_an_estimate_is_not_marked_converted_by_hand(http, estimate):
    refused(
        http,
        reverse("documents:estimate_status", args=[estimate.pk]),
        {"status": "converted"},
        "Select a valid choice.",
    )


# --- sales -----------------------------------------------------------------------------------


def sale_return_url(sale) -> str:
    return reverse("documents:sale_return", args=[sale.pk])


def test_returning_more_than_is_left_is_refused(http, manager, sale):
    item = sale.items.get()
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "3"},
        "At most 2 can come back.",
    )
    sales.sale_return(actor=manager, sale=sale, lines={item.pk: Decimal("1.5")})
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "1"},
        "At most 0.5 can come back.",
    )


def test_a_return_needs_something_coming_back(http, sale):
    item = sale.items.get()
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "0"},
        "Enter how much of at least one line comes back.",
    )
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "-1"},
        "Ensure this value is greater than or equal to 0.",
    )


def test_a_fully_returned_sale_takes_no_more_returns(http, manager, sale):
    item = sale.items.get()
    sales.sale_return(actor=manager, sale=sale)
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "1"},
        "Enter how much of at least one line comes back.",
    )


def test_paying_back_needs_a_cashbox(http, sale):
    item = sale.items.get()
    refused(
        http,
        sale_return_url(sale),
        {f"return-qty_{item.pk}": "1", "return-pay_back": "on"},
        "Choose the cashbox the money is paid back from.",
    )


def test_paying_back_more_than_was_paid_is_refused(http, shop, sale):
    item = sale.items.get()
    refused(
        http,
        sale_return_url(sale),
        {
            f"return-qty_{item.pk}": "1",
            "return-pay_back": "on",
            "return-cashbox": shop["till"].pk,
            "return-refund": "45",
        },
        "Pay back at most what the return credits.",
    )


def test_no_money_is_paid_back_for_a_sale_charged_to_the_balance(http, manager, shop, client_):
    sale = sales.sale_create(
        actor=manager,
        client=client_,
        items=[{"kind": "product", "product": shop["cable"]}],
        settlement="balance",
    )
    refused(
        http,
        sale_return_url(sale),
        {
            f"return-qty_{sale.items.get().pk}": "1",
            "return-pay_back": "on",
            "return-cashbox": shop["till"].pk,
        },
        "Only R$0.00 was paid for this sale and not yet paid back.",
    )


def sale_url(client_) -> str:
    return reverse("documents:sale_create", args=[client_.pk])


UNTOUCHED_LINE = {"item": "", "quantity": "1", "discount_kind": "percent"}  # as drawn


@pytest.mark.parametrize("lines", [[], [UNTOUCHED_LINE]], ids=["no rows", "a blank row"])
def test_a_sale_with_no_lines_is_refused(http, shop, client_, lines):
    data = sale_data(*lines, cashbox=shop["till"])
    data["lines-TOTAL_FORMS"] = str(len(lines))
    refused(http, sale_url(client_), data, "Add at least one line to the sale.")


def test_a_sale_with_too_many_lines_is_refused(http, shop, client_):
    lines = [product_line(shop["cable"])] * 51
    refused(http, sale_url(client_), sale_data(*lines, cashbox=shop["till"]), "at most 50 forms")


def test_a_sale_without_its_management_form_is_refused(http, shop, client_):
    data = sale_data(product_line(shop["cable"]), cashbox=shop["till"])
    del data["lines-TOTAL_FORMS"], data["lines-INITIAL_FORMS"]
    refused(http, sale_url(client_), data, "ManagementForm data is missing")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "-2"}, "Ensure this value is greater than or equal to 0."),
        ({"discount": "101"}, "A discount in percent is between 0 and 100."),
        ({"item": "product:999999"}, "Select a valid choice."),
    ],
)
def test_a_sale_with_a_bad_line_is_refused(http, shop, client_, change, message):
    data = sale_data({**product_line(shop["cable"]), **change}, cashbox=shop["till"])
    refused(http, sale_url(client_), data, message)


def test_a_sale_paid_now_needs_a_cashbox(http, shop, client_):
    refused(
        http,
        sale_url(client_),
        sale_data(product_line(shop["cable"])),
        "Choose the cashbox the payment goes into.",
    )


def test_a_free_text_sale_line_needs_a_title_and_a_price(http, shop, client_):
    line = {"item": "text", "quantity": "1", "discount_kind": "percent"}
    refused(
        http,
        sale_url(client_),
        sale_data(line, cashbox=shop["till"]),
        "Enter a title for a free-text line.",
        "Enter a price for a free-text line.",
    )


@pytest.mark.parametrize(
    "query", ["type=invoice", "page=abc", "page=-1", "page=99999", "type=order&page=0"]
)
def test_the_documents_tab_ignores_bad_parameters(http, client_, order, query):
    url = reverse("clients:tab", args=[client_.pk, "documents"])
    for headers in (HX, {}):
        response = http.get(f"{url}?{query}", **headers)
        assert response.status_code == 200
        assert f'data-document="{order.number}"' in response.content.decode()
    response = http.get(f"{url}?part=list&{query}", **HX)
    assert f'data-document="{order.number}"' in response.content.decode()


# --- what users typed is shown escaped -------------------------------------------------------


def test_typed_text_is_shown_escaped(http, manager, shop, client_):
    response = http.post(
        reverse("documents:order_create", args=[client_.pk]),
        {"malfunction": SCRIPT, "order_type": SCRIPT, "description": SCRIPT},
        **HX,
    )
    assert response.status_code == 200
    order = Order.objects.get(client=client_)
    assert order.malfunction == SCRIPT
    http.post(
        line_url(order),
        {
            "item": "text",
            "title": SCRIPT,
            "price": "10",
            "quantity": "1",
            "discount_kind": "percent",
        },
        **HX,
    )
    http.post(
        reverse("documents:order_status", args=[order.pk]),
        {"status": order.status.pk, "comment": SCRIPT},
        **HX,
    )
    orders.order_status_set(
        actor=manager,
        order=order,
        status=order.status.__class__.objects.get(group="in_progress"),
        comment=SCRIPT,
    )
    shop["screen"].title = SCRIPT
    shop["screen"].save()
    sale = sales.sale_create(
        actor=manager,
        client=client_,
        items=[{"kind": "text", "title": SCRIPT, "price": Decimal("5")}],
        settlement="balance",
        comment=SCRIPT,
    )
    sales.sale_return(actor=manager, sale=sale, lines={sale.items.get().pk: 1}, reason=SCRIPT)
    estimate = estimates.estimate_create(actor=manager, client=client_, description=SCRIPT)
    pages = [
        http.get(f"/orders/{order.pk}/", **HX),
        http.get(f"/orders/{order.pk}/"),
        http.get(f"/sales/{sale.pk}/", **HX),
        http.get(f"/estimates/{estimate.pk}/", **HX),
        http.get(reverse("documents:catalog_pick"), {"q": "alert"}, **HX),
        http.post(line_url(order), {"item": "text", "title": SCRIPT, "quantity": "-1"}, **HX),
    ]
    for page in pages:
        text = page.content.decode()
        assert page.status_code == 200
        assert SCRIPT not in text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert pages[0].content.decode().count(escaped) >= 4  # malfunction, type, line, history
    assert escaped in pages[2].content.decode()
    assert escaped in pages[3].content.decode()
    assert escaped in pages[4].content.decode()  # the catalog's item the line picker finds
    assert f'value="{escaped}"' in pages[5].content.decode()  # the refused form, refilled
