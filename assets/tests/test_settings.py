"""Asset settings pages: warehouses, asset moves per order status, the directory and the
asset custom fields; every save goes through the services and a refusal says why."""

import pytest

from assets import services
from assets.models import AssetCustomField, AssetModel, Brand, StatusMove, Warehouse
from assets.tests.factories import BrandFactory
from assets.tests.helpers import HX, snapshot
from clients.tests.factories import ClientFactory
from documents.models import OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    return client


def test_the_settings_page_has_one_asset_settings_link(signed_in):
    html = signed_in.get("/settings/").content.decode()
    assert html.count('href="/settings/assets/"') == 1
    index = signed_in.get("/settings/assets/").content.decode()
    for url in ("warehouses/", "order-statuses/", "directory/brands/", "custom-fields/"):
        assert f'href="/settings/assets/{url}"' in index


def test_add_a_warehouse_and_an_employee_warehouse(signed_in, specialist):
    response = signed_in.post(
        "/settings/assets/warehouses/new/",
        {"name": " Shelf  B ", "kind": "company", "position": "4", "active": "on"},
    )
    assert response.status_code == 302
    assert Warehouse.objects.get(name="Shelf B").kind == "company"
    signed_in.post(
        "/settings/assets/warehouses/new/",
        {"name": "Bag", "kind": "employee", "employee": specialist.pk, "position": "0"},
    )
    assert Warehouse.objects.get(employee=specialist).name == "Bag"
    before = snapshot()
    response = signed_in.post(
        "/settings/assets/warehouses/new/", {"name": "Bag 2", "kind": "employee", "position": "0"}
    )
    assert "Choose the employee." in response.content.decode()
    assert snapshot() == before


def test_at_client_cannot_be_deactivated(signed_in, places):
    before = snapshot()
    response = signed_in.post(
        f"/settings/assets/warehouses/{places['client'].pk}/", {"name": "With owner", "position": 0}
    )
    assert "is always active" in response.content.decode()
    assert snapshot() == before


def test_asset_moves_per_order_status(signed_in, places):
    done = OrderStatus.objects.get(group="done")
    listed = signed_in.get("/settings/assets/order-statuses/").content.decode()
    assert "To the order&#x27;s assignee" in listed and "Back to the client" in listed
    response = signed_in.post(
        f"/settings/assets/order-statuses/{done.pk}/",
        {"target": "warehouse", "warehouse": places["ready"].pk},
    )
    assert response.status_code == 302
    move = StatusMove.objects.get(status=done)
    assert (move.target, move.warehouse) == ("warehouse", places["ready"])
    before = snapshot()
    response = signed_in.post(
        f"/settings/assets/order-statuses/{done.pk}/", {"target": "warehouse"}
    )
    assert "Choose the warehouse." in response.content.decode()
    assert snapshot() == before
    signed_in.post(f"/settings/assets/order-statuses/{done.pk}/", {"target": "none"})
    move.refresh_from_db()
    assert (move.target, move.warehouse) == ("none", None)


def test_a_warehouse_an_order_status_sends_assets_to_stays_active(manager, places):
    done = OrderStatus.objects.get(group="done")
    services.status_move_save(
        actor=manager, status=done, target="warehouse", warehouse=places["ready"]
    )
    with pytest.raises(services.AssetError, match="order status sends assets here"):
        services.warehouse_save(
            actor=manager,
            warehouse=places["ready"],
            name="Ready",
            kind="company",
            active=False,
        )


def test_the_directory_pages(signed_in):
    signed_in.post("/settings/assets/directory/brands/new/", {"name": "Apple", "active": "on"})
    apple = Brand.objects.get(name="Apple")
    response = signed_in.post(
        "/settings/assets/directory/models/new/",
        {"brand": apple.pk, "name": "iPhone 13", "active": "on"},
    )
    assert response.status_code == 302
    assert AssetModel.objects.get().brand == apple
    before = snapshot()
    response = signed_in.post(
        "/settings/assets/directory/brands/new/", {"name": "apple", "active": "on"}
    )
    assert "A brand with this name already exists." in response.content.decode()
    assert snapshot() == before
    listed = signed_in.get("/settings/assets/directory/models/").content.decode()
    assert "iPhone 13" in listed and "Apple" in listed
    assert signed_in.get("/settings/assets/directory/nonsense/").status_code == 404


def test_an_entry_renamed_in_settings(signed_in):
    brand = BrandFactory(name="Aple")
    signed_in.post(
        f"/settings/assets/directory/brands/{brand.pk}/", {"name": "Apple", "active": "on"}
    )
    brand.refresh_from_db()
    assert brand.name == "Apple"


def test_asset_custom_fields(signed_in, client, manager):
    response = signed_in.post(
        "/settings/assets/custom-fields/new/",
        {
            "label": "Colour",
            "key": "colour",
            "kind": "choice",
            "choices_text": "Black\nWhite",
            "position": "0",
            "active": "on",
        },
    )
    assert response.status_code == 302
    field = AssetCustomField.objects.get(key="colour")
    assert field.choices == ["Black", "White"]
    refused = signed_in.post(
        "/settings/assets/custom-fields/new/",
        {"label": "Size", "key": "size", "kind": "choice", "position": "0"},
    )
    assert "A choice field needs at least one option." in refused.content.decode()

    ana = ClientFactory()
    client.force_login(manager)
    form = client.get(f"/clients/{ana.pk}/assets/new/", **HX).content.decode()
    assert 'name="cf_colour"' in form
    bad = client.post(
        f"/clients/{ana.pk}/assets/new/",
        {"serial": "C-1", "name": "Phone", "cf_colour": "Red"},
        **HX,
    )
    assert "Select a valid choice" in bad.content.decode()
    client.post(
        f"/clients/{ana.pk}/assets/new/",
        {"serial": "C-1", "name": "Phone", "cf_colour": "White"},
        **HX,
    )
    assert ana.assets.get().custom_fields == {"colour": "White"}


def test_settings_pages_need_the_settings_permission(client, manager):
    client.force_login(manager)
    for url in (
        "/settings/assets/",
        "/settings/assets/warehouses/",
        "/settings/assets/order-statuses/",
    ):
        assert client.get(url).status_code == 403
