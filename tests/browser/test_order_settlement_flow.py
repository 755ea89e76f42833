"""A cashier closes an order for a client who left an advance: the close dialog says what the
advance covers and what is left to pay at the till, the closed order says how it was
settled, and the order's charge cannot be reversed from the Balance tab."""

import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory
from documents import orders
from ledger import services as ledger
from ledger.models import Cashbox, LedgerEntry

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data: the built-in roles and order statuses the last
    test's flush removed (as in test_documents_flow)."""
    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def test_closing_at_the_till_uses_the_advance_first(page, live_server, manager):
    till = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    ana = ClientFactory(first_name="Ana", last_name="Souza")
    ledger.advance_accept(actor=manager, client=ana, cashbox=till, amount=Decimal("500.00"))
    order = orders.order_create(
        actor=manager,
        client=ana,
        items=[{"kind": "text", "title": "Gearbox repair", "price": Decimal("670.00")}],
    )
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/orders/{order.pk}/")
    dialog = page.locator("#document-dialog")
    expect(dialog.locator("#document-title")).to_have_text(f"Work order {order.number}")

    dialog.locator("summary", has_text="Close order").click()
    form = dialog.locator("form[action$='/close/']")
    expect(form.locator(".close-on-account")).to_have_text("R$500.00")
    expect(form.locator(".close-from-advance")).to_have_text("R$500.00")
    expect(form.locator(".close-left-to-pay")).to_have_text("R$170.00")
    after = form.locator(".close-balance-after:visible")
    form.get_by_label("Charge it to the client's balance").check()
    expect(after).to_have_text("R$170.00 · The client owes us")
    form.get_by_label("The client pays now, into a cashbox").check()
    expect(after).to_have_text("R$0.00 · You're settled")
    expect(form).to_contain_text("The client pays the remaining R$170.00 now")
    form.get_by_label("Cashbox", exact=True).select_option(label="Front till")
    form.get_by_role("button", name="Close and settle").click()

    summary = dialog.locator(".money-summary")
    expect(summary.locator(".order-paid-at-closing")).to_have_text("R$170.00")
    expect(summary.locator(".order-from-advance")).to_have_text("R$500.00")
    expect(summary.locator(".order-on-balance")).to_have_text("R$0.00")
    expect(summary).to_contain_text("Paid at closing")
    expect(summary).to_contain_text("Covered by the client's advance")
    expect(page.locator("#profile-head .header-balance")).to_have_text("Balance: R$0.00")
    assert Cashbox.objects.get(pk=till.pk).balance == Decimal("670.00")

    # The Balance tab: the advance may be reversed, the order's charge and payment may not.
    page.goto(f"{base}/clients/{ana.pk}/balance/")
    charge = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ORDER_CHARGE)
    advance = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ADVANCE)
    charge_row = page.locator(f"tr#entry-{charge.pk}")
    expect(charge_row).to_contain_text(order.number)
    expect(charge_row.get_by_role("button", name="Reverse")).to_have_count(0)
    expect(
        page.locator(f"tr#entry-{advance.pk}").get_by_role("button", name="Reverse")
    ).to_be_visible()
    expect(page.locator("table.ledger").get_by_role("button", name="Reverse")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"/clients/{ana.pk}/balance/$"))
