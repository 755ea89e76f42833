"""Forms a shop fills every day, in a browser: the asset form narrows models by the brand
chosen; the catalog picker of a line finds one item among thousands as one types; "+ Conversation"
proposes a channel the employee can use with that client, never a private one."""

import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from assets.models import Asset
from assets.tests.factories import AssetModelFactory, BrandFactory, ModificationFactory
from clients.tests.factories import ClientFactory
from conversations.models import Channel
from conversations.tests.factories import ChannelFactory, ConversationFactory
from core.text import fold
from documents import orders
from documents.models import Product, Service
from tests.browser.axe import axe_violations, describe

pytestmark = pytest.mark.slow


def assert_accessible(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe(where, violations)


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data: the built-in roles, order statuses and
    warehouses the last test's flush removed."""
    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
    import_module("assets.migrations.0003_builtin_warehouses").create(apps, None)


def sign_in(page: Page, base_url: str, login: str = "mgr") -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill(login)
    page.get_by_label("Password").fill(login)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


# --- the asset form -------------------------------------------------------------------------


def offered(select) -> list[str]:
    """The labels of the options a person can pick (not hidden by the narrowing)."""
    return select.locator("option:not([hidden]):not([value=''])").all_inner_texts()


def test_the_asset_form_narrows_models_by_brand(page, live_server, manager):
    apple, samsung = BrandFactory(name="Apple"), BrandFactory(name="Samsung")
    iphone = AssetModelFactory(brand=apple, name="iPhone 13")
    AssetModelFactory(brand=apple, name="iPhone 14")
    galaxy = AssetModelFactory(brand=samsung, name="Galaxy S21")
    storage = ModificationFactory(model=iphone, name="128 GB")
    ModificationFactory(model=galaxy, name="256 GB")
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/assets/new/")
    brand, model = page.get_by_label("Brand"), page.get_by_label("Model", exact=True)
    modification = page.get_by_label("Modification")
    assert len(offered(model)) == 3  # nothing chosen: every model

    brand.select_option(label="Samsung")
    expect(model.locator("option:not([hidden]):not([value=''])")).to_have_count(1)
    assert_accessible(page, "the asset form, narrowed")
    assert offered(model) == ["Samsung Galaxy S21"]
    assert offered(modification) == ["Samsung Galaxy S21 256 GB"]
    model.select_option(label="Samsung Galaxy S21")

    # Another brand: its models only, and the Samsung model is no longer chosen.
    brand.select_option(label="Apple")
    expect(model).to_have_value("")
    assert offered(model) == ["Apple iPhone 13", "Apple iPhone 14"]
    model.select_option(label="Apple iPhone 13")
    assert offered(modification) == ["Apple iPhone 13 128 GB"]

    # Choosing a modification first fills its model and brand in.
    brand.select_option(value="")
    model.select_option(value="")
    modification.select_option(label="Apple iPhone 13 128 GB")
    expect(model).to_have_value(str(iphone.pk))
    expect(brand).to_have_value(str(apple.pk))

    page.get_by_label("Serial number / IMEI").fill("SN-NARROW-1")
    page.get_by_label("Warehouse").select_option(index=1)
    page.get_by_role("button", name="Add asset").click()
    expect(page).to_have_url(re.compile(r"/assets/\d+/$"))
    asset = Asset.objects.get(serial="SN-NARROW-1")
    assert (asset.brand, asset.model, asset.modification) == (apple, iphone, storage)


# --- the catalog picker ---------------------------------------------------------------------


def test_the_line_picker_finds_one_item_among_three_thousand(page, live_server, manager):
    services, products = [], []
    for i in range(1_500):
        title = f"Troca de tela modelo {i:05d}"
        services.append(Service(title=title, price=Decimal("100.00"), search_text=fold(title)))
        name, sku = f"Tela avulsa {i:05d}", f"TL-{i:05d}"
        products.append(
            Product(
                title=name,
                sku=sku,
                price=Decimal("50.00") + i,
                search_text=fold(f"{name} {sku}"),
            )
        )
    Service.objects.bulk_create(services)
    Product.objects.bulk_create(products)
    beatriz = ClientFactory(first_name="Beatriz", discount_goods=0, discount_services=0)
    order = orders.order_create(actor=manager, client=beatriz)

    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    dialog = page.locator("#document-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("summary", has_text="+ Line").click()
    form = dialog.locator("form.line-form")
    box = form.get_by_label("Item")

    # A broad word: a few, and a note to type more.
    box.fill("tela")
    expect(form.locator(".catalog-more")).to_contain_text("type more to narrow")
    # Narrowed to one product; the keyboard chooses it.
    box.fill("tl-01234")
    options = form.locator("[data-catalog-choice]")
    expect(options).to_have_count(2)  # the product, and free text
    expect(options.first).to_contain_text("Tela avulsa 01234")
    assert_accessible(page, "the line's catalog picker with its matches")
    box.press("ArrowDown")
    expect(options.first).to_be_focused()
    options.first.press("Enter")
    expect(box).to_have_value("Tela avulsa 01234 (TL-01234) — R$1,284.00")
    expect(form.locator("[data-catalog-choice]")).to_have_count(0)
    form.get_by_label("Quantity").fill("2")
    form.get_by_role("button", name="Add line").click()

    row = dialog.locator("table.lines tbody tr").first
    expect(row).to_contain_text("Tela avulsa 01234")
    expect(row).to_contain_text("R$1,284.00")  # the catalog price, as a chosen option gave
    expect(dialog.locator(".document-total")).to_have_text("R$2,568.00")
    line = order.items.get()
    assert line.product == Product.objects.get(sku="TL-01234") and line.quantity == 2


# --- "+ Conversation" -----------------------------------------------------------------------


def test_new_conversation_proposes_where_the_client_is_reachable(asgi_live_server, page, manager):
    boss = EmployeeFactory(role_code="admin", login="boss")
    ChannelFactory(name="A private line", owner=manager, access=Channel.Access.OWNER)
    ChannelFactory(name="Shop chat", owner=boss)
    bot = ChannelFactory(name="Telegram bot", owner=boss)
    paula = ClientFactory(first_name="Paula", last_name="Souza")
    ConversationFactory(channel=bot, client=paula, external_id="tg-123")
    ana = ClientFactory(first_name="Ana", last_name="Lima")
    base = asgi_live_server.url
    sign_in(page, base)

    def start_form(client):
        page.goto(f"{base}/clients/{client.pk}/communications/?section=conversations")
        page.locator("[data-action='start-conversation']").click()
        select = page.locator("#conversation-start-channel")
        expect(select).to_be_visible()
        return select

    # Paula writes through the bot: it is proposed (not the private line first by name).
    select = start_form(paula)
    expect(select).to_have_value(str(bot.pk))
    expect(select.locator("option:checked")).to_have_text("Telegram bot · Web chat")
    expect(select.locator("option", has_text="A private line")).to_contain_text("private")
    assert_accessible(page, "the new conversation form")

    # Ana has no conversation yet: the first shared channel, never the private one.
    select = start_form(ana)
    expect(select.locator("option:checked")).to_have_text("Shop chat · Web chat")
    page.locator("[data-action='start']").click()
    expect(page.locator(".conv-view")).to_be_visible()
    assert ana.conversations.get().channel.name == "Shop chat"
