"""A manager opens, fills and closes a work order, turns an estimate into an order and sells
over the counter, from a client's Documents tab, in a browser."""

import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import Locator, Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory
from documents import orders
from documents.models import Estimate, Order, Sale
from documents.tests.factories import ProductFactory, ServiceFactory
from ledger.models import Cashbox
from tests.browser.phone import PHONE, page_width, scroll_to_the_end, scrolls_sideways

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote and the
    last test's flush removed: the built-in roles and the order statuses.

    (See tests/browser/test_client_profile_flow.py for why not serialized rollback.)
    """

    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)


@pytest.fixture
def beatriz(manager):
    """A client with no personal discounts (so every amount is the catalog price), a small
    catalog and two cashboxes."""
    Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    Cashbox.objects.create(title="Bank account", kind=Cashbox.Kind.CASHLESS)
    ServiceFactory(title="Brake inspection", price=Decimal("120.00"))
    ProductFactory(title="Brake pad", sku="BP-01", price=Decimal("45.50"))
    ClientFactory(first_name="Carlos", last_name="Mendes")
    return ClientFactory(
        first_name="Beatriz",
        last_name="Nogueira",
        discount_goods=Decimal("0"),
        discount_services=Decimal("0"),
    )


SERVICE = "Brake inspection — R$120.00"
PRODUCT = "Brake pad (BP-01) — R$45.50"


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def open_tab(page: Page, client, slug: str) -> None:
    page.locator(f"#profile-tabs a[href='/clients/{client.pk}/{slug}/']").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/{slug}/$"))
    expect(page.locator(f"#profile-tabs a[href$='/{slug}/']")).to_have_attribute(
        "aria-current", "page"
    )


def expect_balance(page: Page, css: str, note: str, amount: str) -> None:
    summary = page.locator("#tab-content .balance-summary")
    expect(summary).to_have_class(re.compile(rf"\bbalance-{css}\b"))
    expect(summary.locator(".balance-note")).to_have_text(note)
    expect(summary.locator(".balance-amount")).to_have_text(amount)
    header = page.locator("#profile-head .header-balance")  # refreshed out of band
    expect(header).to_have_class(re.compile(rf"\bbalance-{css}\b"))
    expect(header).to_have_text(f"Balance: {amount}")


def document_dialog(page: Page, title: str) -> Locator:
    """The open document dialog, once it shows ``title``."""
    dialog = page.locator("#document-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#document-title")).to_have_text(title)
    return dialog


def close_dialog(page: Page, client) -> None:
    """The dialog's Close button puts back the Documents tab's URL."""
    page.locator("#document-dialog").get_by_role("button", name="Close").click()
    expect(page.locator("#document-dialog")).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/documents/$"))


def pick_item(scope: Locator, item: str) -> None:
    """Type the item's first word into the line's catalog picker and choose it."""
    box = scope.get_by_label("Item")
    box.fill(item.split()[0])
    scope.locator(f"[data-catalog-choice][data-label='{item}']").click()
    expect(box).to_have_value(item)


def add_line(dialog: Locator, item: str, quantity: str | None = None) -> None:
    dialog.locator("summary", has_text="+ Line").click()
    form = dialog.locator("form.line-form")
    pick_item(form, item)
    if quantity is not None:
        form.get_by_label("Quantity").fill(quantity)
    form.get_by_role("button", name="Add line").click()


def line_rows(dialog: Locator) -> Locator:
    return dialog.locator("table.lines tbody tr:not(:has(td.empty))")


def document_row(page: Page, number: str) -> Locator:
    return page.locator(f"#documents-list tr[data-document='{number}']")


def test_order_estimate_and_sale_from_the_documents_tab(page, live_server, beatriz):
    base = live_server.url
    sign_in(page, base)
    page.get_by_role("link", name="Beatriz Nogueira").click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/$"))
    open_tab(page, beatriz, "documents")
    expect(page.locator("#documents-list")).to_contain_text("No orders, estimates or sales yet.")

    # 1. "+ Order": the malfunction, then lines, then close it onto the balance.
    page.get_by_role("link", name="+ Order").click()
    dialog = document_dialog(page, "New work order")
    dialog.get_by_label("Malfunction").fill("Squealing brakes")
    dialog.get_by_role("button", name="Create order").click()
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    assert page.url == f"{base}/orders/{order.pk}/"
    dialog = document_dialog(page, f"Work order {order.number}")
    expect(dialog.locator(".document-status")).to_contain_text("New")
    expect(dialog).to_contain_text("Squealing brakes")

    add_line(dialog, SERVICE)
    expect(line_rows(dialog)).to_have_count(1)
    add_line(dialog, PRODUCT, quantity="2")
    rows = line_rows(dialog)
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Brake inspection")
    expect(rows.nth(0)).to_contain_text("R$120.00")
    expect(rows.nth(1)).to_contain_text("Brake pad")
    expect(rows.nth(1)).to_contain_text("R$91.00")
    expect(dialog.locator(".document-total")).to_have_text("R$211.00")
    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    # The list under the dialog already follows.
    expect(document_row(page, order.number)).to_contain_text("R$211.00")

    dialog.locator("summary", has_text="Close order").click()
    close_form = dialog.locator("form[action$='/close/']")
    close_form.get_by_label("Charge it to the client's balance").check()
    close_form.get_by_role("button", name="Close and settle").click()
    expect(dialog.locator(".document-status")).to_have_text("Closed")
    expect(dialog.get_by_role("button", name="Add line")).to_have_count(0)
    expect(page.locator("#profile-head .header-balance")).to_have_text("Balance: R$211.00")

    close_dialog(page, beatriz)
    row = document_row(page, order.number)
    expect(row).to_contain_text("Work order")
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("R$211.00")
    open_tab(page, beatriz, "balance")
    expect_balance(page, "receivable", "The client owes us", "R$211.00")

    # 4. A reload on the order's own URL: the profile with its dialog open.
    page.goto(f"{base}/orders/{order.pk}/")
    dialog = document_dialog(page, f"Work order {order.number}")
    expect(page.locator("#profile-head")).to_contain_text("Beatriz Nogueira")
    expect(document_row(page, order.number)).to_be_attached()  # the list is under it
    expect(page.locator("#profile-tabs a[href$='/documents/']")).to_have_attribute(
        "aria-current", "page"
    )
    expect(dialog.locator(".document-total")).to_have_text("R$211.00")
    page.reload()
    dialog = document_dialog(page, f"Work order {order.number}")
    expect(dialog.locator(".document-status")).to_have_text("Closed")
    close_dialog(page, beatriz)

    # 2. "+ Estimate", a line, "Create order": a new order; the estimate says Converted.
    page.get_by_role("link", name="+ Estimate").click()
    dialog = document_dialog(page, "New estimate")
    dialog.get_by_role("button", name="Create estimate").click()
    expect(page).to_have_url(re.compile(r"/estimates/\d+/$"))
    estimate = Estimate.objects.get()
    dialog = document_dialog(page, f"Estimate {estimate.number}")
    add_line(dialog, SERVICE)
    expect(line_rows(dialog)).to_have_count(1)
    expect(dialog.locator(".document-total")).to_have_text("R$120.00")
    dialog.get_by_role("button", name="Create order").click()
    expect(page).to_have_url(re.compile(rf"/orders/(?!{order.pk}/)\d+/$"))
    converted = Order.objects.exclude(pk=order.pk).get()
    assert converted.number != order.number
    assert page.url == f"{base}/orders/{converted.pk}/"
    dialog = document_dialog(page, f"Work order {converted.number}")
    expect(line_rows(dialog)).to_have_count(1)
    expect(dialog.locator(".document-total")).to_have_text("R$120.00")
    close_dialog(page, beatriz)

    expect(document_row(page, converted.number)).to_contain_text("R$120.00")
    document_row(page, estimate.number).get_by_role("link", name=estimate.number).click()
    expect(page).to_have_url(f"{base}/estimates/{estimate.pk}/")
    dialog = document_dialog(page, f"Estimate {estimate.number}")
    expect(dialog.locator(".document-status")).to_contain_text("Converted")
    order_link = dialog.locator(".document-status").get_by_role("link", name=converted.number)
    order_link.click()
    expect(page).to_have_url(f"{base}/orders/{converted.pk}/")
    document_dialog(page, f"Work order {converted.number}")

    # 4. Back: the estimate again (fetched afresh, its dialog open), then the list, no dialog.
    page.go_back()
    expect(page).to_have_url(f"{base}/estimates/{estimate.pk}/")
    dialog = document_dialog(page, f"Estimate {estimate.number}")
    expect(dialog.locator(".document-status")).to_contain_text("Converted")
    page.go_back()
    expect(page).to_have_url(f"{base}/clients/{beatriz.pk}/documents/")
    expect(page.locator("#document-dialog")).to_be_hidden()
    expect(document_row(page, estimate.number)).to_be_visible()
    expect(document_row(page, converted.number)).to_be_visible()

    # Opening an order from the list and going back works the same.
    document_row(page, order.number).get_by_role("link", name=order.number).click()
    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    document_dialog(page, f"Work order {order.number}")
    page.go_back()
    expect(page).to_have_url(f"{base}/clients/{beatriz.pk}/documents/")
    expect(page.locator("#document-dialog")).to_be_hidden()
    expect(document_row(page, order.number)).to_be_visible()

    open_tab(page, beatriz, "balance")
    expect_balance(page, "receivable", "The client owes us", "R$211.00")  # estimates: no money

    # 3. "+ Sale", paid now into the till: the balance does not move.
    open_tab(page, beatriz, "documents")
    page.get_by_role("link", name="+ Sale").click()
    dialog = document_dialog(page, "New sale")
    quote = dialog.locator("#sale-quote")
    expect(quote).to_contain_text("Choose an item to see the total.")
    pick_item(dialog, PRODUCT)
    dialog.get_by_label("Quantity").fill("3")
    # The cashier sees what to charge before completing the sale.
    expect(quote.locator("[data-quote-total]")).to_have_text("R$136.50")
    # A second line, then removed: the total follows, and the removed line is not sold.
    dialog.get_by_role("button", name="+ Another line").click()
    rows = dialog.locator("[data-formset-row]")
    pick_item(rows.nth(1), SERVICE)
    expect(quote.locator("[data-quote-total]")).to_have_text("R$256.50")
    rows.nth(1).get_by_role("button", name="Remove line").click()
    expect(rows.nth(1)).to_be_hidden()
    expect(quote.locator("[data-quote-total]")).to_have_text("R$136.50")
    dialog.get_by_label("Paid now").check()
    dialog.get_by_label("Cashbox").select_option(label="Front till")
    dialog.get_by_role("button", name="Complete sale").click()
    expect(page).to_have_url(re.compile(r"/sales/\d+/$"))
    sale = Sale.objects.get()
    dialog = document_dialog(page, f"Sale {sale.number}")
    expect(dialog.locator(".document-status")).to_contain_text("Paid now")
    summary = dialog.locator(".money-summary")
    expect(summary.locator("div").nth(0)).to_have_text(re.compile(r"^\s*Total\s*R\$136\.50\s*$"))
    expect(summary.locator("div").nth(1)).to_have_text(re.compile(r"^\s*Paid\s*R\$136\.50\s*$"))
    expect(dialog.locator("table.compact")).to_contain_text("Front till")
    close_dialog(page, beatriz)
    expect(document_row(page, sale.number)).to_contain_text("R$136.50")

    open_tab(page, beatriz, "balance")
    expect_balance(page, "receivable", "The client owes us", "R$211.00")

    open_tab(page, beatriz, "payments")
    payment_row = page.locator("#tab-content table.list tbody tr").filter(has_text=sale.number)
    expect(payment_row).to_have_count(1)
    expect(payment_row).to_contain_text("+R$136.50")
    expect(payment_row).to_contain_text("Front till")
    payment_row.get_by_role("link", name=sale.number).click()
    expect(page).to_have_url(f"{base}/sales/{sale.pk}/")
    dialog = document_dialog(page, f"Sale {sale.number}")
    expect(page.locator("#profile-tabs a[href$='/documents/']")).to_have_attribute(
        "aria-current", "page"
    )
    close_dialog(page, beatriz)
    expect(document_row(page, sale.number)).to_be_visible()


def test_on_a_phone_the_order_dialog_fits_and_its_tables_scroll(
    page, live_server, beatriz, manager
):
    """390 px wide: the lines' Discount and Total columns are reached by scrolling the table,
    not cut off by the dialog's edge; the dialog and the page stay as wide as the screen."""
    order = orders.order_create(
        actor=manager,
        client=beatriz,
        malfunction="Squealing brakes",
        items=[
            {"kind": "service", "service": ServiceFactory(title="Full brake system overhaul")},
            {"kind": "product", "product": ProductFactory(title="Ceramic brake pad set")},
        ],
    )
    till = Cashbox.objects.get(title="Front till")
    orders.order_prepay(actor=manager, order=order, cashbox=till, amount=Decimal("10"))
    orders.order_close(actor=manager, order=order, settlement="balance")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    dialog = document_dialog(page, f"Work order {order.number}")
    expect(line_rows(dialog)).to_have_count(2)

    assert page_width(page) <= PHONE["width"]
    assert not dialog.evaluate("el => el.scrollWidth > el.clientWidth")
    lines = dialog.locator(".table-scroll:has(table.lines)")
    assert scrolls_sideways(lines)
    total = dialog.locator("table.lines .document-total")
    scroll_to_the_end(lines)
    expect(total).to_be_in_viewport()
    box, frame = total.bounding_box(), lines.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1  # shown whole
