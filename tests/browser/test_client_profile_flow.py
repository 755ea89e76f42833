"""An employee finds a client by phone and edits the General tab, in a real browser.

The same flow runs in English and in Brazilian Portuguese (switched with the header's language
select). Run `manage.py compile_catalogues` first so the Portuguese catalogue is current.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.models import Client
from clients.tests.factories import ClientFactory, ClientPhoneFactory, OrganizationFactory

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Language:
    code: str
    clients_heading: str
    save: str
    saved_note: str | None  # None: any text other than the English one
    first_name_error: str | None


ENGLISH = Language(
    code="en",
    clients_heading="Clients",
    save="Save",
    saved_note="Changes saved.",
    first_name_error="A person needs a first name.",
)
PORTUGUESE = Language(
    code="pt-br",
    clients_heading="Clientes",
    save="Salvar",
    saved_note=None,
    first_name_error=None,
)


@pytest.fixture(autouse=True)
def builtin_roles(transactional_db):
    """The live server needs committed data, so each test ends by emptying the tables.

    The built-in roles come from a data migration; put them back before each test.
    (``django_db_serialized_rollback`` does not: Playwright's greenlets give the test code a
    fresh connection object, without the serialized copy, after the first page load.)
    """

    restore_builtin_roles()


@pytest.fixture
def beatriz(manager):
    ClientFactory(first_name="Carlos", last_name="Mendes")
    OrganizationFactory(name="Auto Peças Paulista")
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    ClientPhoneFactory(client=client, number="+5511987654321")
    return client


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")  # the start page is the client list
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")


def switch_language(page: Page, language: Language) -> None:
    page.locator("#language-select").select_option(language.code)
    page.locator(".language-switch button[type=submit]").click()  # switched only on the button
    expect(page.locator("html")).to_have_attribute("lang", language.code)
    expect(page.locator("#language-select")).to_have_value(language.code)


def find_by_phone(page: Page, client: Client, typed: str) -> None:
    rows = page.locator("#client-results tbody tr")
    expect(rows).to_have_count(3)
    page.locator("#client-search").fill(typed)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(client.display_name)
    expect(rows.first).to_contain_text("(11) 98765-4321")
    expect(page).to_have_url(re.compile(r"/clients/\?.*search="))  # the search is in the URL
    rows.first.get_by_role("link", name=client.display_name).click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/$"))


def expect_text(locator, wanted: str | None, english: str) -> None:
    expect(locator).to_be_visible()
    if wanted is None:
        expect(locator).not_to_have_text(english)
        expect(locator).not_to_be_empty()
    else:
        expect(locator).to_have_text(wanted)


def edit_first_name(page: Page, client: Client, language: Language) -> None:
    first_name = page.locator("#id_first_name")
    save = page.get_by_role("button", name=language.save, exact=True)
    selected_tab = page.locator(".tabs a[aria-current=page]")
    expect(selected_tab).to_have_attribute("href", f"/clients/{client.pk}/general/")
    expect(first_name).to_have_value("Beatriz")

    # A person without a first name: the error shows next to the field, nothing is saved.
    first_name.fill("")
    save.click()
    error = page.locator("#field-first_name .error")
    expect_text(error, language.first_name_error, ENGLISH.first_name_error)
    expect(page.locator(".saved-note")).to_have_count(0)
    page.reload()
    expect(first_name).to_have_value("Beatriz")
    expect(page.locator("#field-first_name .error")).to_have_count(0)
    client.refresh_from_db()
    assert client.first_name == "Beatriz"

    # Fixed: saved, the header follows, and a reload shows the new value.
    first_name.fill("Bia")
    save.click()
    expect_text(page.locator(".saved-note"), language.saved_note, ENGLISH.saved_note)
    expect(page.locator("#profile-head h1")).to_have_text("Bia Nogueira")
    expect(page.locator("#field-first_name .error")).to_have_count(0)
    page.reload()
    expect(first_name).to_have_value("Bia")
    expect(page.locator("#profile-head h1")).to_have_text("Bia Nogueira")
    client.refresh_from_db()
    assert client.first_name == "Bia"


def tab_url_survives_navigation(page: Page, client: Client) -> None:
    tab_url = re.compile(rf"/clients/{client.pk}/general/$")
    page.locator(".tabs a").first.click()
    expect(page).to_have_url(tab_url)
    page.locator("main a[href='/clients/']").click()  # "← Clients"
    expect(page).to_have_url(re.compile(r"/clients/$"))
    page.go_back()
    expect(page).to_have_url(tab_url)
    expect(page.locator("#id_first_name")).to_have_value("Bia")
    page.reload()
    expect(page).to_have_url(tab_url)
    expect(page.locator(".tabs a[aria-current=page]")).to_have_attribute(
        "href", f"/clients/{client.pk}/general/"
    )
    expect(page.locator("#id_first_name")).to_have_value("Bia")


def test_find_client_by_phone_and_edit_general_tab_in_english(page, live_server, beatriz):
    sign_in(page, live_server.url)
    find_by_phone(page, beatriz, "(11) 98765-4321")
    expect(page.get_by_role("button", name=ENGLISH.save, exact=True)).to_be_visible()
    edit_first_name(page, beatriz, ENGLISH)
    tab_url_survives_navigation(page, beatriz)


def test_find_client_by_phone_and_edit_general_tab_in_portuguese(page, live_server, beatriz):
    sign_in(page, live_server.url)
    switch_language(page, PORTUGUESE)
    expect(page.get_by_role("heading", level=1)).to_have_text(PORTUGUESE.clients_heading)
    find_by_phone(page, beatriz, "11987654321")
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    edit_first_name(page, beatriz, PORTUGUESE)
    tab_url_survives_navigation(page, beatriz)
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
