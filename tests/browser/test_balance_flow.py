"""A manager takes an advance, pays it back, corrects the balance and exports it, in a browser."""

import re
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import formats, translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, LedgerEntry, Payment
from tests.browser.phone import PHONE, page_width, scrolls_sideways

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_roles(transactional_db):
    """The live server needs committed data; put back the built-in roles the flush removed.

    (See tests/browser/test_client_profile_flow.py for why not serialized rollback.)
    """

    restore_builtin_roles()


@pytest.fixture
def beatriz(manager):
    """A client with a zero balance, and a cash till holding R$500.00."""
    till = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    Cashbox.objects.create(title="Bank account", kind=Cashbox.Kind.CASHLESS)
    services.cash_move(
        actor=manager,
        cashbox=till,
        direction=Payment.Direction.INCOME,
        amount=Decimal("500"),
        category=Payment.Category.OTHER_INCOME,
    )
    ClientFactory(first_name="Carlos", last_name="Mendes")
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def money(text: str) -> Decimal:
    """ "+R$1,234.50" -> Decimal("1234.50")."""
    sign = -1 if text.strip().startswith("-") else 1
    return sign * Decimal(re.sub(r"[^0-9.]", "", text))


def expect_balance(page: Page, css: str, note: str, amount: str) -> None:
    summary = page.locator("#tab-content .balance-summary")
    expect(summary).to_have_class(re.compile(rf"\bbalance-{css}\b"))
    expect(summary.locator(".balance-note")).to_have_text(note)
    expect(summary.locator(".balance-amount")).to_have_text(amount)
    header = page.locator("#profile-head .header-balance")  # refreshed out of band
    expect(header).to_have_class(re.compile(rf"\bbalance-{css}\b"))
    expect(header).to_have_text(f"Balance: {amount}")


def open_tab(page: Page, client, slug: str) -> None:
    page.locator(f"#profile-tabs a[href='/clients/{client.pk}/{slug}/']").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/{slug}/$"))
    expect(page.locator(f"#profile-tabs a[href$='/{slug}/']")).to_have_attribute(
        "aria-current", "page"
    )


def tab_badge(page: Page, slug: str):
    return page.locator(f"#profile-tabs a[href$='/{slug}/'] .badge-count")


def pay(page: Page, button: str, dialog_id: str, amount: str, submit: str, note: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    dialog = page.locator(f"#{dialog_id}")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Amount").fill(amount)
    dialog.get_by_label("Cashbox").select_option(label="Front till")
    dialog.get_by_label("Note").fill(note)
    dialog.get_by_role("button", name=submit).click()


def test_advance_payment_correction_and_export(page, live_server, beatriz, tmp_path):
    sign_in(page, live_server.url)
    page.get_by_role("link", name="Beatriz Nogueira").click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/$"))

    # Payments: "+ Advance" of 150 into the till -> we owe the client.
    open_tab(page, beatriz, "payments")
    expect_balance(page, "settled", "You're settled", "R$0.00")
    pay(page, "+ Advance", "advance-dialog", "150", "Accept", "Deposit for the gearbox")
    expect_balance(page, "payable", "We owe the client", "-R$150.00")
    expect(page.locator("#advance-dialog")).to_be_hidden()
    rows = page.locator("#tab-content table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Deposit for the gearbox")
    expect(rows.first).to_contain_text("+R$150.00")
    expect(tab_badge(page, "payments")).to_have_text("1")

    # "- Payment" of the same 150 -> settled.
    pay(page, "- Payment", "refund-dialog", "150", "Pay out", "Gearbox cancelled")
    expect_balance(page, "settled", "You're settled", "R$0.00")
    expect(page.locator("#refund-dialog")).to_be_hidden()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("-R$150.00")
    expect(tab_badge(page, "payments")).to_have_text("2")

    # Paying out more than we owe is refused in the dialog, which stays open.
    pay(page, "- Payment", "refund-dialog", "10", "Pay out", "One more")
    refund_dialog = page.locator("#refund-dialog")
    expect(refund_dialog).to_be_visible()
    expect(refund_dialog.locator("#field-refund-amount .error")).to_have_text(
        "We owe this client nothing: there is nothing to refund."
    )
    refund_dialog.get_by_role("button", name="Cancel").click()
    expect(refund_dialog).to_be_hidden()
    expect(rows).to_have_count(2)
    expect_balance(page, "settled", "You're settled", "R$0.00")

    # Balance: "+ Correction" of 40 with a reason -> the client owes us.
    open_tab(page, beatriz, "balance")
    entries = page.locator("#tab-content table.ledger tbody tr")
    expect(entries).to_have_count(2)
    page.get_by_role("button", name="+ Correction").click()
    correction = page.locator("#correction-dialog")
    expect(correction).to_be_visible()
    correction.get_by_label("Amount").fill("40")
    correction.get_by_label("Reason").fill("Labour not charged")
    correction.get_by_role("button", name="Save correction").click()
    expect_balance(page, "receivable", "The client owes us", "R$40.00")
    expect(correction).to_be_hidden()
    expect(entries).to_have_count(3)
    expect(tab_badge(page, "balance")).to_have_text("3")
    expect(entries.first).to_contain_text("Labour not charged")

    # What the page shows, newest first.
    shown = []
    for row in entries.all():
        cells = row.locator("td").all_inner_texts()
        shown.append((cells[0], cells[1], money(cells[2]), money(cells[3]), cells[4], cells[5]))
    name = LedgerEntry.objects.first().author.full_name
    assert [row[1:] for row in shown] == [
        ("Correction", Decimal("40"), Decimal("40"), "Labour not charged", name),
        ("Refund", Decimal("150"), Decimal("0"), "Gearbox cancelled", name),
        ("Advance", Decimal("-150"), Decimal("-150"), "Deposit for the gearbox", name),
    ]

    # "Export" downloads the same rows as a real workbook.
    with page.expect_download() as info:
        page.get_by_role("link", name="Export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet["B1"].value == "Beatriz Nogueira"
    header_row = next(r for r in range(1, 10) if sheet.cell(row=r, column=2).value == "Kind")
    exported = []
    for when, kind, amount, after, comment, author, *_ in sheet.iter_rows(
        min_row=header_row + 1, values_only=True
    ):
        if kind is None:
            break
        assert isinstance(when, datetime)  # real date and number cells
        assert isinstance(amount, int | float) and isinstance(after, int | float)
        with translation.override("en"):
            shown_when = formats.date_format(when, "SHORT_DATETIME_FORMAT")
        exported.append(
            (
                shown_when,
                kind,
                Decimal(str(amount)),
                Decimal(str(after)),
                comment or "",
                author or "",
            )
        )
    assert exported == shown


def test_on_a_phone_the_balance_tab_fits_and_its_table_scrolls(page, live_server, beatriz, manager):
    """390 px wide: the balance's entries scroll sideways in their box; the page does not."""
    till = Cashbox.objects.get(title="Front till")
    services.advance_accept(
        actor=manager, client=beatriz, cashbox=till, amount=Decimal("150"), note="Deposit"
    )
    services.balance_correct(
        actor=manager, client=beatriz, amount=Decimal("-20"), reason="Goodwill discount"
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{beatriz.pk}/balance/")
    entries = page.locator("#tab-content .table-scroll:has(table.ledger)")
    expect(entries.locator("tbody tr")).to_have_count(2)
    assert page_width(page) <= PHONE["width"]
    assert scrolls_sideways(entries)
