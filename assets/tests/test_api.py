"""``/api/v1/assets/``, its transfers, ``/api/v1/warehouses/`` and the directory."""

import pytest

from assets import services
from assets.models import Asset, Transfer, Warehouse
from assets.tests.factories import AssetModelFactory, BrandFactory, ModificationFactory
from assets.tests.helpers import snapshot
from clients.tests.factories import ClientFactory
from documents.tests.api_helpers import messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def boss(api_as, admin):
    return api_as(admin)


@pytest.fixture
def ana():
    return ClientFactory(first_name="Ana")


def test_create_with_a_free_text_name(api, ana, places):
    response = api.post(
        "/api/v1/assets/",
        {"serial": " 35-209900-176148-1 ", "name": "Moto G", "owner": ana.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("serial", "name", "owner", "warehouse", "status")} == {
        "serial": "35-209900-176148-1",
        "name": "Moto G",
        "owner": ana.pk,
        "warehouse": places["client"].pk,
        "status": "active",
    }
    assert body["warehouse_name"] == "At client" and body["photo"] is None


def test_create_with_a_name_from_the_directory(api, ana):
    modification = ModificationFactory(
        name="256 GB",
        model=AssetModelFactory(name="Galaxy S23", brand=BrandFactory(name="Samsung")),
    )
    response = api.post(
        "/api/v1/assets/",
        {"serial": "S23-1", "owner": ana.pk, "modification": modification.pk},
        format="json",
    )
    body = response.json()
    assert body["name"] == "Samsung Galaxy S23 256 GB"
    assert (body["brand"], body["model"]) == (
        modification.model.brand_id,
        modification.model_id,
    )


def test_a_company_asset(api, places):
    response = api.post(
        "/api/v1/assets/",
        {"serial": "LOAN-1", "name": "Loaner", "owner": None, "warehouse": places["pending"].pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["owner"] is None


def test_patch_rebuilds_a_directory_name_but_keeps_a_free_one(api, ana, manager):
    s23 = AssetModelFactory(name="Galaxy S23", brand=BrandFactory(name="Samsung"))
    a54 = AssetModelFactory(name="Galaxy A54", brand=s23.brand)
    built = services.asset_create(actor=manager, serial="B-1", owner=ana, model=s23)
    free = services.asset_create(actor=manager, serial="F-1", owner=ana, model=s23, name="Mine")
    assert (
        api.patch(f"/api/v1/assets/{built.pk}/", {"model": a54.pk}, format="json").json()["name"]
        == "Samsung Galaxy A54"
    )
    assert (
        api.patch(f"/api/v1/assets/{free.pk}/", {"model": a54.pk}, format="json").json()["name"]
        == "Mine"
    )
    assert (
        api.patch(f"/api/v1/assets/{free.pk}/", {"name": ""}, format="json").json()["name"]
        == "Samsung Galaxy A54"
    )


def test_patch_with_a_warehouse_moves_the_asset(api, ana, manager, places):
    asset = services.asset_create(actor=manager, serial="M-1", name="Phone", owner=ana)
    response = api.patch(
        f"/api/v1/assets/{asset.pk}/",
        {"warehouse": places["pending"].pk, "comment": "Fan noise"},
        format="json",
    )
    assert response.json()["warehouse"] == places["pending"].pk
    assert Transfer.objects.filter(asset=asset).count() == 2


def test_list_filters(api, ana, manager, places):
    mine = services.asset_create(actor=manager, serial="A-1", name="Phone", owner=ana)
    other = services.asset_create(actor=manager, serial="B-1", name="Tab", owner=ClientFactory())
    services.asset_move(actor=manager, asset=other, warehouse=places["pending"])

    def ids(**params):
        return [row["id"] for row in api.get("/api/v1/assets/", params).json()["results"]]

    assert ids() == [other.pk, mine.pk]
    assert ids(client=ana.pk) == [mine.pk]
    assert ids(warehouse=places["pending"].pk) == [other.pk]
    assert ids(serial="b-1") == [other.pk]
    assert ids(search="phone") == [mine.pk]


def test_transfers_newest_first_and_a_move(api, ana, manager, places):
    asset = services.asset_create(actor=manager, serial="T-1", name="Phone", owner=ana)
    response = api.post(
        f"/api/v1/assets/{asset.pk}/transfers/",
        {"warehouse": places["pending"].pk, "comment": "Drop-off"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["from_warehouse"] == places["client"].pk
    back = api.post(
        f"/api/v1/assets/{asset.pk}/transfers/", {"warehouse": places["client"].pk}, format="json"
    )
    assert back.status_code == 201
    listed = api.get(f"/api/v1/assets/{asset.pk}/transfers/").json()
    assert listed["count"] == 3
    assert [row["to_warehouse"] for row in listed["results"]] == [
        places["client"].pk,
        places["pending"].pk,
        places["client"].pk,
    ]
    assert listed["results"][2]["from_warehouse"] is None


def test_write_off(api, ana, manager):
    asset = services.asset_create(actor=manager, serial="W-1", name="Phone", owner=ana)
    response = api.post(f"/api/v1/assets/{asset.pk}/write-off/", {"reason": "Lost"}, format="json")
    assert response.json()["status"] == "written_off"
    assert (
        api.post(
            f"/api/v1/assets/{asset.pk}/write-off/", {"reason": "Again"}, format="json"
        ).status_code
        == 400
    )


def test_warehouses(boss, admin, specialist):
    response = boss.post("/api/v1/warehouses/", {"name": "Shelf A", "position": 5}, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "company"
    employee = boss.post(
        "/api/v1/warehouses/",
        {"name": "Tech bag", "kind": "employee", "employee": specialist.pk},
        format="json",
    )
    assert employee.status_code == 201
    again = boss.post(
        "/api/v1/warehouses/",
        {"name": "Tech bag 2", "kind": "employee", "employee": specialist.pk},
        format="json",
    )
    assert again.status_code == 400 and "employee" in again.json()
    client_kind = boss.post(
        "/api/v1/warehouses/", {"name": "At client 2", "kind": "client"}, format="json"
    )
    assert client_kind.status_code == 400
    names = [row["name"] for row in boss.get("/api/v1/warehouses/").json()["results"]]
    assert {"At client", "Pending repair", "Ready for pick-up", "Shelf A", "Tech bag"} == set(names)


def test_a_warehouse_holding_assets_stays_active(boss, manager, places):
    services.asset_create(actor=manager, serial="L-1", name="Loaner", warehouse=places["pending"])
    before = snapshot()
    response = boss.patch(
        f"/api/v1/warehouses/{places['pending'].pk}/", {"active": False}, format="json"
    )
    assert response.status_code == 400
    assert "move them out first" in messages(response.json())
    response = boss.patch(
        f"/api/v1/warehouses/{places['client'].pk}/", {"active": False}, format="json"
    )
    assert response.status_code == 400
    assert snapshot() == before
    renamed = boss.patch(
        f"/api/v1/warehouses/{places['pending'].pk}/", {"name": "Repair queue"}, format="json"
    )
    assert renamed.json()["name"] == "Repair queue"
    assert Warehouse.objects.get(pk=places["pending"].pk).kind == "company"


def test_the_directory(boss):
    apple = boss.post("/api/v1/brands/", {"name": "Apple"}, format="json").json()
    assert boss.post("/api/v1/brands/", {"name": "APPLE"}, format="json").status_code == 400
    model = boss.post(
        "/api/v1/models/", {"brand": apple["id"], "name": "iPhone 13"}, format="json"
    ).json()
    same_name = boss.post(
        "/api/v1/models/", {"brand": apple["id"], "name": "iphone 13"}, format="json"
    )
    assert same_name.status_code == 400
    modification = boss.post(
        "/api/v1/modifications/", {"model": model["id"], "name": "128 GB"}, format="json"
    )
    assert modification.status_code == 201
    group = boss.post("/api/v1/asset-groups/", {"name": "Smartphone"}, format="json")
    assert group.status_code == 201
    listed = boss.get("/api/v1/models/", {"brand": apple["id"]}).json()["results"]
    assert [row["name"] for row in listed] == ["iPhone 13"]
    off = boss.patch(f"/api/v1/models/{model['id']}/", {"active": False}, format="json")
    assert off.json() == {**model, "active": False}


def test_an_inactive_entry_is_not_offered_to_new_assets(api, ana, boss):
    brand = BrandFactory(name="Nokia", active=False)
    response = api.post(
        "/api/v1/assets/", {"serial": "N-1", "owner": ana.pk, "brand": brand.pk}, format="json"
    )
    assert response.status_code == 400
    assert "no longer offered" in messages(response.json()["brand"])
    assert not Asset.objects.exists()


def test_custom_fields_are_checked_against_the_definitions(api, ana, manager):
    services.custom_field_save(
        actor=manager,
        data=services.CustomFieldInput(
            key="colour", label="Colour", kind="choice", choices=("Black", "White")
        ),
    )
    bad = api.post(
        "/api/v1/assets/",
        {"serial": "C-1", "name": "Phone", "owner": ana.pk, "custom_fields": {"colour": "Red"}},
        format="json",
    )
    assert bad.status_code == 400 and "colour" in messages(bad.json()["custom_fields"])
    good = api.post(
        "/api/v1/assets/",
        {"serial": "C-1", "name": "Phone", "owner": ana.pk, "custom_fields": {"colour": "Black"}},
        format="json",
    )
    assert good.json()["custom_fields"] == {"colour": "Black"}


def test_a_photo_is_uploaded_and_downloaded_through_the_api(api, ana):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assets.tests.conftest import image_bytes

    photo = SimpleUploadedFile("front.webp", image_bytes("WEBP"), content_type="image/webp")
    response = api.post(
        "/api/v1/assets/", {"serial": "PH-1", "name": "Phone", "owner": ana.pk, "photo": photo}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["photo"] == f"http://testserver/api/v1/assets/{body['id']}/photo/"
    download = api.get(body["photo"])
    assert download["Content-Type"] == "image/webp"
    assert b"".join(download.streaming_content) == image_bytes("WEBP")
    removed = api.patch(f"/api/v1/assets/{body['id']}/", {"photo": None}, format="json")
    assert removed.json()["photo"] is None
