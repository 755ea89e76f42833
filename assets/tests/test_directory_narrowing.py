"""The asset form's model list is narrowed by the brand chosen (and modifications by the
model): every option says whose it is, the select says what narrows it, and without JS the
form refuses a model of another brand (or a modification of another model) with a message."""

import re

import pytest

from assets.models import Asset
from assets.tests.factories import AssetModelFactory, BrandFactory, ModificationFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def directory():
    apple, samsung = BrandFactory(name="Apple"), BrandFactory(name="Samsung")
    iphone = AssetModelFactory(brand=apple, name="iPhone 13")
    galaxy = AssetModelFactory(brand=samsung, name="Galaxy S21")
    return {
        "apple": apple,
        "samsung": samsung,
        "iphone": iphone,
        "galaxy": galaxy,
        "128": ModificationFactory(model=iphone, name="128 GB"),
        "256": ModificationFactory(model=galaxy, name="256 GB"),
    }


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_options_say_their_brand_and_model(signed_in, directory, places):
    page = signed_in.get("/assets/new/").content.decode()
    assert re.search(r'<select name="model"[^>]*data-narrow-by="brand"', page)
    assert re.search(r'<select name="modification"[^>]*data-narrow-by="brand model"', page)
    iphone, galaxy = directory["iphone"], directory["galaxy"]
    assert f'<option value="{iphone.pk}" data-brand="{directory["apple"].pk}">' in page
    assert f'<option value="{galaxy.pk}" data-brand="{directory["samsung"].pk}">' in page
    assert (
        f'<option value="{directory["128"].pk}" data-brand="{directory["apple"].pk}" '
        f'data-model="{iphone.pk}">'
    ) in page


def post(http, **fields):
    data = {"serial": "SN-1", "name": "", "comment": "", **fields}
    return http.post("/assets/new/", data)


def test_a_model_of_another_brand_is_refused_without_js(signed_in, directory, places):
    response = post(
        signed_in,
        warehouse=places["pending"].pk,
        brand=directory["samsung"].pk,
        model=directory["iphone"].pk,
    )
    assert response.status_code == 200
    assert "This model is not of the chosen brand." in response.content.decode()
    response = post(
        signed_in,
        warehouse=places["pending"].pk,
        model=directory["iphone"].pk,
        modification=directory["256"].pk,
    )
    assert "This modification is not of the chosen model." in response.content.decode()
    response = post(
        signed_in,
        warehouse=places["pending"].pk,
        brand=directory["apple"].pk,
        modification=directory["256"].pk,
    )
    assert "This modification is not of the chosen brand." in response.content.decode()
    assert not Asset.objects.exists()


def test_a_matching_choice_is_saved(signed_in, directory, places):
    response = post(
        signed_in,
        warehouse=places["pending"].pk,
        brand=directory["apple"].pk,
        model=directory["iphone"].pk,
        modification=directory["128"].pk,
    )
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert (asset.brand, asset.model, asset.modification) == (
        directory["apple"],
        directory["iphone"],
        directory["128"],
    )
    assert asset.name == "Apple iPhone 13 128 GB"
