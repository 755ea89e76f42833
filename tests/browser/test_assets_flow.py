"""A manager adds a client's device from the client's Assets tab, moves it to "Pending
repair" from the asset's profile, and the Assets tab shows where it is now, in a browser."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from assets.models import Asset, Transfer
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote and the
    last test's flush removed: the built-in roles (with the assets permissions), the order
    statuses, the seeded warehouses and their asset moves.

    (See tests/browser/test_client_profile_flow.py for why not serialized rollback.)
    """
    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
    import_module("assets.migrations.0003_builtin_warehouses").create(apps, None)


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


def open_assets_tab(page: Page, client) -> None:
    page.locator(f"#profile-tabs a[href='/clients/{client.pk}/assets/']").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/assets/$"))
    expect(page.locator("#profile-tabs a[href$='/assets/']")).to_have_attribute(
        "aria-current", "page"
    )


def test_add_an_asset_move_it_and_see_where_it_is(page, live_server, beatriz):
    base = live_server.url
    sign_in(page, base)
    page.get_by_role("link", name="Beatriz Nogueira").click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/$"))
    open_assets_tab(page, beatriz)
    expect(page.locator("#tab-content")).to_contain_text("No assets yet.")

    # 1. "+ Asset": a dialog; saved, the tab lists it "At client" and the badge counts it.
    page.get_by_role("link", name="+ Asset").click()
    dialog = page.locator("#asset-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Serial number / IMEI").fill("  35-209900-176148-1 ")
    dialog.get_by_label("Name", exact=True).fill("iPhone 13 128 GB")
    dialog.get_by_role("button", name="Add asset").click()
    row = page.locator("#tab-content tr[data-asset='35-209900-176148-1']")
    expect(row).to_contain_text("iPhone 13 128 GB")
    expect(row.locator(".asset-warehouse")).to_have_text("At client")
    expect(page.locator("#profile-tabs a[href$='/assets/'] .badge-count")).to_have_text("1")
    asset = Asset.objects.get()
    assert (asset.owner_id, asset.serial) == (beatriz.pk, "35-209900-176148-1")

    # 2. The serial opens the asset; "Move to…" Pending repair.
    row.get_by_role("link", name="35-209900-176148-1").click()
    expect(page).to_have_url(f"{base}/assets/{asset.pk}/")
    expect(page.locator("#asset-head .asset-where")).to_have_text("At client")
    page.locator("summary", has_text="Move to…").click()
    move = page.locator("form.move-form")
    move.get_by_label("Move to", exact=True).select_option(label="Pending repair")
    move.get_by_label("Comment").fill("Screen flickers")
    move.get_by_role("button", name="Move").click()
    expect(page).to_have_url(f"{base}/assets/{asset.pk}/history/")
    expect(page.locator("#asset-head .asset-where")).to_have_text("Pending repair")
    history = page.locator("#asset-tab table.transfers tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0).locator(".transfer-to")).to_have_text("Pending repair")
    expect(history.nth(0)).to_contain_text("Screen flickers")
    assert Transfer.objects.filter(asset=asset).count() == 2

    # 3. Back to the client: the Assets tab shows the new warehouse.
    page.locator("main").get_by_role("link", name="Beatriz Nogueira").first.click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/assets/$"))
    row = page.locator("#tab-content tr[data-asset='35-209900-176148-1']")
    expect(row.locator(".asset-warehouse")).to_have_text("Pending repair")
    page.reload()
    expect(row.locator(".asset-warehouse")).to_have_text("Pending repair")
