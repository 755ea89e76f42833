"""A serial number (IMEI) belongs to one asset, whatever its case and the spaces around it.
A duplicate is refused with a way to the asset that has it: a link in forms, its id in the
API."""

import pytest

from assets import services
from assets.models import Asset
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
VARIANTS = ["ab-12 c", "AB-12 C", "  Ab-12 c  ", "ab-12\tC", "AB-12  C"]


@pytest.fixture
def taken(manager):
    return services.asset_create(
        actor=manager, serial="Ab-12 C", name="iPhone 13", owner=ClientFactory()
    )


def test_the_serial_is_kept_as_typed_without_surrounding_spaces(taken):
    assert (taken.serial, taken.serial_key) == ("Ab-12 C", "ab-12 c")


@pytest.mark.parametrize("serial", VARIANTS)
def test_a_duplicate_is_refused_naming_the_asset(serial, taken, manager):
    with pytest.raises(services.AssetError) as refused:
        services.asset_create(actor=manager, serial=serial, name="Other", owner=ClientFactory())
    assert refused.value.existing == taken
    assert f"#{taken.pk}" in refused.value.message_dict["serial"][0]
    assert Asset.objects.count() == 1


def test_changing_a_serial_to_a_taken_one_is_refused(taken, manager):
    other = services.asset_create(
        actor=manager,
        serial="ZZ-1",
        name="Other",
        owner=None,
        warehouse=taken.warehouse.__class__.objects.get(name="Pending repair"),
    )
    with pytest.raises(services.AssetError, match="already belongs"):
        services.asset_update(actor=manager, asset=other, serial=" ab-12 c ")
    assert Asset.objects.get(pk=other.pk).serial == "ZZ-1"
    # Its own number, in another case, is not a duplicate.
    assert services.asset_update(actor=manager, asset=taken, serial="AB-12 C").serial == "AB-12 C"


@pytest.mark.parametrize("serial", VARIANTS[:3])
def test_the_form_shows_a_link_to_the_asset_that_has_the_number(serial, taken, client, manager):
    owner = ClientFactory()
    client.force_login(manager)
    response = client.post(
        f"/clients/{owner.pk}/assets/new/", {"serial": serial, "name": "Other"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/assets/{taken.pk}/" class="existing-asset">' in html
    assert "This serial number already belongs to asset" in html
    assert Asset.objects.count() == 1


def test_the_general_tab_shows_the_link_too(taken, client, manager, places):
    other = services.asset_create(
        actor=manager, serial="OTHER", name="Other", warehouse=places["pending"]
    )
    client.force_login(manager)
    response = client.post(f"/assets/{other.pk}/", {"serial": "ab-12 C", "name": "Other"}, **HX)
    assert f'href="/assets/{taken.pk}/"' in response.content.decode()
    assert Asset.objects.get(pk=other.pk).serial == "OTHER"


@pytest.mark.parametrize("serial", VARIANTS[:3])
def test_the_api_answers_400_with_the_existing_asset_id(serial, taken, api_as, manager):
    response = api_as(manager).post(
        "/api/v1/assets/", {"serial": serial, "name": "Other"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["existing_asset"] == taken.pk
    assert f"#{taken.pk}" in body["serial"][0]
    assert Asset.objects.count() == 1


def test_the_api_serial_filter_finds_the_number_in_any_case(taken, api_as, manager):
    response = api_as(manager).get("/api/v1/assets/", {"serial": " AB-12 c "})
    assert [row["id"] for row in response.json()["results"]] == [taken.pk]
