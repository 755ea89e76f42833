"""A manager opens a lead from a client's Leads tab, converts it into a work order and sees
the order's number as the lead's result on the tab, in a browser."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory
from documents.models import Order
from leads import services
from leads.models import Lead
from tests.browser.axe import axe_violations, describe
from tests.browser.phone import PHONE, page_width, scrolls_sideways

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote and the
    last test's flush removed: the built-in roles, the order statuses, the lead types,
    statuses and lost reasons.

    (See tests/browser/test_client_profile_flow.py for why not serialized rollback.)
    """

    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
    import_module("leads.migrations.0002_builtin_lists").create_lists(apps, None)


@pytest.fixture
def beatriz(manager):
    ClientFactory(first_name="Carlos", last_name="Mendes")
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def open_leads_tab(page: Page, client) -> None:
    page.locator(f"#profile-tabs a[href='/clients/{client.pk}/leads/']").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/leads/$"))
    expect(page.locator("#profile-tabs a[href$='/leads/']")).to_have_attribute(
        "aria-current", "page"
    )


def test_a_lead_from_the_clients_tab_converted_into_an_order(page, live_server, beatriz):
    base = live_server.url
    sign_in(page, base)
    page.get_by_role("link", name="Beatriz Nogueira").click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/$"))
    open_leads_tab(page, beatriz)
    expect(page.locator("#leads-list")).to_contain_text("No leads yet.")
    expect(page.locator("#profile-tabs a[href$='/leads/'] .badge-count")).to_have_text("0")

    # "+ Lead": the form opens inside the tab for this client — its name, no contact name or
    # phone to type — and creating it comes back to the tab with the lead in it.
    page.get_by_role("link", name="+ Lead").click()
    form = page.locator("#lead-slot form.lead-form")
    expect(form).to_be_visible()
    expect(form.locator(".lead-client")).to_contain_text("Beatriz Nogueira")
    expect(form.get_by_label("Contact name")).to_have_count(0)
    expect(form.get_by_label("Contact phone")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe("the Leads tab's new lead form", violations)
    form.get_by_label("Description").fill("Wants a quote for a screen")
    form.get_by_label("Urgent").check()
    form.get_by_role("button", name="Create lead").click()
    expect(page.locator("#leads-list tr[data-lead]")).to_have_count(1)
    lead = Lead.objects.get()
    assert lead.client_id == beatriz.pk and lead.contact_name == "" and lead.contact_phone == ""
    expect(page).to_have_url(f"{base}/clients/{beatriz.pk}/leads/")
    expect(page.locator("#lead-slot form.lead-form")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text(f"Lead {lead.number} created.")
    expect(page.locator("#profile-tabs a[href$='/leads/'] .badge-count")).to_have_text("1")
    expect(page.locator("#profile-tabs a[href$='/leads/']")).to_have_attribute(
        "aria-current", "page"
    )

    # The lead's number opens its page.
    page.locator(f"#leads-list tr[data-lead='{lead.number}']").get_by_role(
        "link", name=lead.number
    ).click()
    expect(page).to_have_url(f"{base}/leads/{lead.pk}/")
    expect(page.locator("#lead-title")).to_have_text(f"Lead {lead.number}")
    expect(page.locator(".lead-status")).to_contain_text("New")
    expect(page.locator("#lead")).to_contain_text("Wants a quote for a screen")
    expect(page.locator("#lead")).to_contain_text("Urgent")

    # "Convert to order": an order for Beatriz, the lead won with the order as its result.
    page.get_by_role("button", name="Convert to order").click()
    expect(page.locator(".messages")).to_contain_text("converted into")
    order = Order.objects.get()
    assert order.client_id == beatriz.pk
    expect(page.locator(".messages")).to_contain_text(
        f"Lead {lead.number} converted into {order.number}."
    )
    expect(page.locator(".lead-status")).to_contain_text("Won")
    expect(page.locator(".lead-status")).not_to_contain_text("(Won)")  # said once
    expect(page.locator(".lead-result-line")).to_contain_text(order.number)
    expect(page.get_by_role("button", name="Convert to order")).to_have_count(0)
    expect(page.get_by_role("button", name="Convert to estimate")).to_have_count(0)

    # Back to the client's Leads tab: the row shows the order's number as the result.
    page.get_by_role("link", name="Beatriz Nogueira").first.click()
    expect(page).to_have_url(f"{base}/clients/{beatriz.pk}/leads/")
    row = page.locator(f"#leads-list tr[data-lead='{lead.number}']")
    expect(row).to_contain_text("Won")
    expect(row.locator(".lead-result")).to_have_text(order.number)
    expect(page.locator("#profile-tabs a[href$='/leads/'] .badge-count")).to_have_text("1")

    # The order opens from the result, in the Documents tab, and points back to the lead.
    row.get_by_role("link", name=order.number).click()
    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    dialog = page.locator("#document-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".lead-origin")).to_contain_text(lead.number)

    # And the lead's number opens the lead again.
    page.goto(f"{base}/clients/{beatriz.pk}/leads/")
    page.locator(f"#leads-list tr[data-lead='{lead.number}']").get_by_role(
        "link", name=lead.number
    ).click()
    expect(page).to_have_url(f"{base}/leads/{lead.pk}/")
    expect(page.locator(".lead-result-line")).to_contain_text(order.number)


def test_on_a_phone_the_leads_page_fits_and_its_table_scrolls(page, live_server, beatriz, manager):
    """390 px wide: the leads' columns scroll sideways in their box; the page does not."""
    services.lead_create(
        actor=manager,
        contact_name="Renato Prado",
        contact_phone="+5511991234567",
        description="iPhone 12 com tela quebrada, quer orçamento",
        urgent=True,
    )
    services.lead_create(actor=manager, client=beatriz, description="Notebook não liga")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/leads/")
    leads = page.locator(".table-scroll:has(table.leads)")
    expect(leads.locator("tbody tr")).to_have_count(2)
    assert page_width(page) <= PHONE["width"]
    assert scrolls_sideways(leads)
