"""Every page and dialog passes axe-core's WCAG 2.2 A/AA rules, in English and Portuguese;
and what a keyboard and a screen reader meet around dialogs, fields and the page frame."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations, describe
from tests.browser.site_tour import demo_site, restore_migration_data, tour

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_data(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote (roles,
    order statuses, …), which the flush after a transactional test removed."""
    restore_migration_data()


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_every_page_and_dialog_passes_axe(asgi_live_server, new_page, language):
    site = demo_site()
    page: Page = new_page()
    failures = []
    for stop in tour(page, asgi_live_server.url, site, language):
        violations = axe_violations(page)
        if violations:
            failures.append(describe(stop, violations))
    assert not failures, "WCAG 2.2 A/AA violations (axe-core):\n" + "\n".join(failures)


# --- Dialogs: focus comes back, the result is announced ----------------------------------------


@pytest.fixture
def shop(manager):
    """A client, a till and a bank account; the manager signs in as "mgr"."""
    from clients.tests.factories import ClientFactory
    from ledger.models import Cashbox

    Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    Cashbox.objects.create(title="Bank account", kind=Cashbox.Kind.CASHLESS)
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


def sign_in_as_manager(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("input[name=username]").fill("mgr")
    page.locator("input[name=password]").fill("mgr")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base_url + "/clients/")


def test_after_advance_focus_returns_to_its_button_and_the_message_is_announced(
    page, live_server, shop
):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{shop.pk}/payments/")
    advance = page.locator("[data-dialog-open=advance-dialog]")
    advance.click()
    dialog = page.locator("#advance-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=advance-amount]").fill("150")
    dialog.get_by_label("Cashbox").select_option(label="Front till")
    dialog.get_by_role("button", name="Accept").click()

    expect(dialog).to_be_hidden()
    status = page.locator("#messages")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("Advance accepted.")
    # The tab was swapped with the dialog in it: focus is on the new "+ Advance", not <body>.
    expect(page.locator("[data-dialog-open=advance-dialog]")).to_be_focused()

    # The next htmx action replaces the message: one status region, the latest news in it.
    page.locator("[data-dialog-open=refund-dialog]").click()
    refund = page.locator("#refund-dialog")
    refund.locator("input[name=refund-amount]").fill("50")
    refund.get_by_label("Cashbox").select_option(label="Front till")
    refund.locator("button[type=submit]").click()
    expect(status).to_have_text("Refund paid.")
    expect(page.locator("[data-dialog-open=refund-dialog]")).to_be_focused()
    expect(page.locator("#messages .message")).to_have_count(1)


def test_escape_on_a_dialog_shown_again_with_errors_returns_focus(page, live_server, shop):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{shop.pk}/balance/")
    page.locator("[data-dialog-open=correction-dialog]").click()
    dialog = page.locator("#correction-dialog")
    dialog.locator("button[type=submit]").click()  # nothing filled in

    amount = page.locator("#correction-dialog[open] input[name=amount]")
    expect(amount).to_be_focused()  # the first field with an error
    page.keyboard.press("Escape")
    expect(page.locator("#correction-dialog")).to_be_hidden()
    expect(page.locator("[data-dialog-open=correction-dialog]")).to_be_focused()


def test_closing_a_document_dialog_returns_focus_to_what_opened_it(page, live_server, shop):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{shop.pk}/documents/")
    new_order = page.locator(f"a[hx-get='/clients/{shop.pk}/documents/new-order/']")
    new_order.click()
    dialog = page.locator("#document-dialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(new_order).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/clients/{shop.pk}/documents/")

    # Created: the dialog is swapped for the order's own, and × still goes back to "+ Order".
    new_order.click()
    expect(dialog.locator("#document-title")).to_have_text("New work order")
    dialog.get_by_label("Malfunction").fill("Squealing brakes")
    dialog.get_by_role("button", name="Create order").click()
    expect(dialog.locator("#document-title")).to_have_text(re.compile(r"^Work order "))
    # Heard while the dialog stays open: its own status region (the page under it is inert).
    expect(dialog.locator("[role=status]")).to_contain_text("created")
    dialog.locator("[data-dialog-close]").first.click()  # the × button
    expect(dialog).to_be_hidden()
    expect(new_order).to_be_focused()


# --- Fields: described by their help and errors, "required" not in the name --------------------


def test_fields_are_described_by_their_help_and_their_errors(page, live_server, shop):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{shop.pk}/balance/")
    page.locator("[data-dialog-open=correction-dialog]").click()
    dialog = page.locator("#correction-dialog")
    # The star is seen, not heard: the name is "Amount", and required says the rest.
    amount = dialog.get_by_role("textbox", name="Amount", exact=True)
    expect(amount).to_have_attribute("required", "")
    expect(amount).to_have_accessible_description(
        "Positive: the client owes us more. Negative: we owe the client more."
    )
    dialog.get_by_role("textbox", name="Reason", exact=True).fill("Old debt")
    dialog.locator("button[type=submit]").click()

    amount = page.locator("#correction-dialog[open]").get_by_role(
        "textbox", name="Amount", exact=True
    )
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(
        "Positive: the client owes us more. Negative: we owe the client more. "
        "This field is required."
    )
    # Every aria-describedby on the page points at something that is there.
    missing = page.evaluate(
        """() => [...document.querySelectorAll("[aria-describedby]")].flatMap(el =>
             el.getAttribute("aria-describedby").split(/\\s+/)
               .filter(id => id && !document.getElementById(id)))"""
    )
    assert missing == []


# --- The page frame with a keyboard --------------------------------------------------------------


def test_skip_link_language_button_and_tab_links(page, live_server, shop):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{shop.pk}/payments/")

    # The first Tab offers "Skip to content"; it lands in the page's own content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()

    # The profile's tabs are links; the open one is the current page.
    tabs = page.locator("#profile-tabs")
    expect(tabs.locator("[role=tab]")).to_have_count(0)
    expect(tabs.locator("a[aria-current=page]")).to_have_attribute(
        "href", f"/clients/{shop.pk}/payments/"
    )
    tabs.locator(f"a[href='/clients/{shop.pk}/balance/']").click()
    expect(tabs.locator("a[aria-current=page]")).to_have_attribute(
        "href", f"/clients/{shop.pk}/balance/"
    )
    expect(tabs.locator("a[aria-current=page]")).to_have_count(1)

    # Arrowing through the languages changes nothing; the button switches (WCAG 3.2.2).
    switches = []
    page.on("request", lambda r: switches.append(r) if "/i18n/setlang/" in r.url else None)
    language = page.locator("#language-select")
    language.focus()
    page.keyboard.press("ArrowDown")
    expect(language).to_have_value("pt-br")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".language-switch").get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    assert len(switches) == 1


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""

    def luminance(color: str) -> float:
        channels = [float(c) / 255 for c in color[color.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_focused_input_outline_is_visible_enough(page, live_server, shop):
    sign_in_as_manager(page, live_server.url)
    page.goto(f"{live_server.url}/clients/")
    search = page.locator("#client-search")
    search.focus()
    outline = search.evaluate(
        """el => { const s = getComputedStyle(el);
                   return {color: s.outlineColor, width: parseFloat(s.outlineWidth),
                           style: s.outlineStyle,
                           around: getComputedStyle(el.parentElement).backgroundColor}; }"""
    )
    assert outline["style"] != "none" and outline["width"] >= 2
    # Against the input's white and against what is around it (WCAG 1.4.11: 3:1).
    assert contrast(outline["color"], "rgb(255, 255, 255)") >= 3
    around = outline["around"] if outline["around"] != "rgba(0, 0, 0, 0)" else "rgb(245, 246, 248)"
    assert contrast(outline["color"], around) >= 3


def test_open_the_chat_window_link_is_a_24px_target(page, live_server, admin):
    from conversations.tests.factories import ChannelFactory

    channel = ChannelFactory(name="Site chat")
    page.goto(live_server.url + "/login/")
    page.locator("input[name=username]").fill("boss")
    page.locator("input[name=password]").fill("boss")
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    page.goto(f"{live_server.url}/settings/channels/{channel.pk}/")
    link = page.get_by_role("link", name="Open the chat window")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
