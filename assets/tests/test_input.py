"""Bad input anywhere (forms, API, services) is refused with a clear message and changes
nothing: no row, no transfer, no stored file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assets import services
from assets.models import Asset, Transfer
from assets.photos import MAX_BYTES
from assets.tests.conftest import PDF, image_bytes
from assets.tests.factories import AssetModelFactory, BrandFactory
from assets.tests.helpers import HX, snapshot, stored_files
from clients.tests.factories import ClientFactory
from documents.tests.api_helpers import messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return ClientFactory(first_name="Ana")


@pytest.fixture
def phone(manager, ana):
    return services.asset_create(actor=manager, serial="IMEI-1", name="Galaxy", owner=ana)


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def huge() -> bytes:
    return image_bytes("PNG") + b"\0" * (MAX_BYTES + 1)


def too_many_pixels() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("1", (7000, 6000)).save(buffer, format="PNG")
    return buffer.getvalue()


BAD_PHOTOS = {
    "a PDF renamed .jpg": ("scan.jpg", PDF, "Upload a JPEG, PNG or WebP image."),
    "a text file": ("notes.png", b"just some text, not an image", "Upload a JPEG, PNG or WebP"),
    "a GIF": ("anim.jpg", image_bytes("GIF"), "Upload a JPEG, PNG or WebP"),
    "a truncated PNG": ("cut.png", image_bytes("PNG")[:60], "Upload a JPEG, PNG or WebP"),
    "an empty file": ("empty.jpg", b"", "empty"),
    "a huge file": ("big.png", None, "too large"),
    "too many pixels": ("wide.png", None, "too many pixels"),
}


def bad_photo(case: str) -> SimpleUploadedFile:
    name, content, _message = BAD_PHOTOS[case]
    if case == "a huge file":
        content = huge()
    elif case == "too many pixels":
        content = too_many_pixels()
    return upload(name, content)


# --- photos --------------------------------------------------------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_photos_are_stored_under_a_random_name(image_format, manager, ana):
    asset = services.asset_create(
        actor=manager,
        serial="P-1",
        name="Phone",
        owner=ana,
        photo=upload("Holiday Photo.bmp", image_bytes(image_format)),
    )
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    assert asset.photo.name.startswith("assets/photos/")
    assert asset.photo.name.endswith(f".{extension}")
    assert "Holiday" not in asset.photo.name
    assert stored_files() == [asset.photo.name]


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
def test_a_bad_photo_is_refused_by_the_service(case, manager, ana, phone):
    before = snapshot()
    with pytest.raises(services.AssetError) as refused:
        services.asset_create(
            actor=manager, serial="P-2", name="Phone", owner=ana, photo=bad_photo(case)
        )
    assert BAD_PHOTOS[case][2] in " ".join(refused.value.message_dict["photo"])
    with pytest.raises(services.AssetError):
        services.asset_update(actor=manager, asset=phone, photo=bad_photo(case), comment="New")
    assert snapshot() == before


@pytest.mark.parametrize("case", ["a PDF renamed .jpg", "a huge file", "a text file"])
def test_a_bad_photo_is_refused_by_the_form(case, client, manager, ana, phone):
    client.force_login(manager)
    before = snapshot()
    response = client.post(
        f"/clients/{ana.pk}/assets/new/",
        {"serial": "P-3", "name": "Phone", "photo": bad_photo(case)},
        **HX,
    )
    assert response.status_code == 200
    assert BAD_PHOTOS[case][2] in response.content.decode()
    response = client.post(
        f"/assets/{phone.pk}/", {"serial": "IMEI-1", "name": "X", "photo": bad_photo(case)}, **HX
    )
    assert BAD_PHOTOS[case][2] in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("case", ["a PDF renamed .jpg", "a huge file", "a text file"])
def test_a_bad_photo_is_refused_by_the_api(case, api, phone):
    before = snapshot()
    response = api.post(
        "/api/v1/assets/", {"serial": "P-4", "name": "Phone", "photo": bad_photo(case)}
    )
    assert response.status_code == 400
    assert BAD_PHOTOS[case][2] in messages(response.json()["photo"])
    response = api.patch(f"/api/v1/assets/{phone.pk}/", {"photo": bad_photo(case)})
    assert response.status_code == 400
    assert snapshot() == before


def test_a_new_photo_replaces_the_old_file_once_committed(
    manager, ana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(
            actor=manager,
            serial="P-5",
            name="Phone",
            owner=ana,
            photo=upload("a.png", image_bytes()),
        )
    first = asset.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_update(
            actor=manager, asset=asset, photo=upload("b.jpg", image_bytes("JPEG"))
        )
    assert stored_files() == [asset.photo.name] != [first]
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_update(actor=manager, asset=asset, photo=None)
    assert (asset.photo.name, stored_files()) == ("", [])


# --- the rest of an asset ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"serial": "", "name": "Phone"}, "serial"),
        ({"serial": "   ", "name": "Phone"}, "serial"),
        ({"serial": "x" * 65, "name": "Phone"}, "serial"),
        ({"serial": "S-1"}, "name"),
        ({"serial": "S-1", "name": "Phone", "warehouse": 999999}, "warehouse"),
        ({"serial": "S-1", "name": "Phone", "owner": 999999}, "owner"),
        ({"serial": "S-1", "name": "Phone", "brand": 999999}, "brand"),
        ({"serial": "S-1", "name": "Phone", "custom_fields": {"nope": 1}}, "custom_fields"),
        ({"serial": "S-1", "name": "Phone", "colour": "red"}, "colour"),
        ({"serial": "S-1", "name": "Phone", "comment": "x" * 2001}, "comment"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(data, field, api, ana, phone):
    data = {"owner": ana.pk, **data}
    before = snapshot()
    response = api.post("/api/v1/assets/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_a_company_asset_needs_a_warehouse_and_not_at_client(api, places):
    before = snapshot()
    response = api.post("/api/v1/assets/", {"serial": "C-1", "name": "Loaner"}, format="json")
    assert response.status_code == 400
    assert "warehouse" in response.json()
    response = api.post(
        "/api/v1/assets/",
        {"serial": "C-1", "name": "Loaner", "warehouse": places["client"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "no client" in messages(response.json())
    assert snapshot() == before


def test_a_model_of_another_brand_is_refused(api, ana):
    model = AssetModelFactory(name="iPhone 13", brand=BrandFactory(name="Apple"))
    other = BrandFactory(name="Samsung")
    before = snapshot()
    response = api.post(
        "/api/v1/assets/",
        {"serial": "M-1", "owner": ana.pk, "brand": other.pk, "model": model.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "not of the chosen brand" in messages(response.json()["model"])
    assert snapshot() == before


def test_the_page_refuses_an_empty_serial(client, manager, ana):
    client.force_login(manager)
    before = snapshot()
    response = client.post(f"/clients/{ana.pk}/assets/new/", {"serial": " ", "name": "X"}, **HX)
    assert "This field is required." in response.content.decode()
    assert snapshot() == before


# --- moves ---------------------------------------------------------------------------------------


def test_the_api_refuses_an_unknown_warehouse(api, phone):
    before = snapshot()
    response = api.post(
        f"/api/v1/assets/{phone.pk}/transfers/", {"warehouse": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "warehouse" in response.json()
    assert snapshot() == before


def test_the_api_refuses_to_move_a_written_off_asset(api, phone, manager, places):
    services.asset_write_off(actor=manager, asset=phone, reason="Lost")
    before = snapshot()
    response = api.post(
        f"/api/v1/assets/{phone.pk}/transfers/",
        {"warehouse": places["pending"].pk, "comment": "Try"},
        format="json",
    )
    assert response.status_code == 400
    assert "written off" in messages(response.json())
    response = api.patch(
        f"/api/v1/assets/{phone.pk}/", {"warehouse": places["pending"].pk}, format="json"
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_the_page_refuses_to_move_a_written_off_asset(client, manager, phone, places):
    services.asset_write_off(actor=manager, asset=phone, reason="Lost")
    client.force_login(manager)
    before = snapshot()
    response = client.post(f"/assets/{phone.pk}/move/", {"warehouse": places["pending"].pk})
    assert response.status_code == 200
    assert Transfer.objects.filter(asset=phone).count() == 1
    assert snapshot() == before


def test_the_page_refuses_an_unknown_warehouse_and_shows_the_form_again(client, manager, phone):
    client.force_login(manager)
    before = snapshot()
    response = client.post(f"/assets/{phone.pk}/move/", {"warehouse": "999999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert 'class="action" open' in html
    assert snapshot() == before
    assert Asset.objects.get(pk=phone.pk).warehouse.name == "At client"
