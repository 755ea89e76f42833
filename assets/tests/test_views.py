"""The asset pages: the client's Assets tab and "+ Asset", the asset profile (General,
History, Orders), "Move to…", "Write off", "+ Order", the order dialog's asset panel, the
photo, and the assets page's search and filters."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets import services
from assets.models import Asset, OrderAsset, Transfer
from assets.tests.conftest import image_bytes
from assets.tests.factories import (
    AssetGroupFactory,
    AssetModelFactory,
    BrandFactory,
    ModificationFactory,
)
from assets.tests.helpers import HX, snapshot
from clients.tests.factories import ClientFactory
from documents import orders
from documents.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return ClientFactory(first_name="Ana", last_name="Lima")


@pytest.fixture
def phone(manager, ana):
    return services.asset_create(actor=manager, serial="IMEI-111", name="Galaxy A54", owner=ana)


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def rows(html: str, attribute: str = "data-asset") -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


# --- the client's Assets tab ---------------------------------------------------------------------


def test_the_tab_lists_serial_name_and_where_each_asset_is(signed_in, ana, phone, places, manager):
    services.asset_move(actor=manager, asset=phone, warehouse=places["pending"])
    services.asset_create(actor=manager, serial="OTHER", name="Tablet", owner=ClientFactory())
    html = signed_in.get(f"/clients/{ana.pk}/assets/", **HX).content.decode()
    assert rows(html) == ["IMEI-111"]
    assert f'<a href="/assets/{phone.pk}/">IMEI-111</a>' in html
    assert "Galaxy A54" in html and "Pending repair" in html
    page = signed_in.get(f"/clients/{ana.pk}/").content.decode()
    assert re.search(r'/assets/"[^>]*>Assets<span class="badge badge-count">1</span>', page)


def test_plus_asset_from_the_tab(signed_in, ana, places):
    dialog = signed_in.get(f"/clients/{ana.pk}/assets/new/", **HX).content.decode()
    assert 'id="asset-dialog"' in dialog and "data-open" in dialog
    response = signed_in.post(
        f"/clients/{ana.pk}/assets/new/",
        {"serial": "  SN-77 ", "name": "MacBook Air", "comment": "Sticker on lid"},
        **HX,
    )
    html = response.content.decode()
    asset = Asset.objects.get(serial="SN-77")
    assert (asset.owner, asset.warehouse, asset.comment) == (
        ana,
        places["client"],
        "Sticker on lid",
    )
    assert rows(html) == ["SN-77"]
    assert 'id="profile-head" hx-swap-oob="true"' in html  # the header and count refresh
    assert re.search(r'Assets<span class="badge badge-count">1</span>', html)


def test_plus_asset_without_htmx_redirects_to_the_tab(client, manager, ana):
    client.force_login(manager)
    response = client.post(f"/clients/{ana.pk}/assets/new/", {"serial": "S-1", "name": "Phone"})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{ana.pk}/assets/"
    page = client.get(f"/clients/{ana.pk}/assets/new/")
    assert (
        'id="asset-dialog"' in page.content.decode()
        and 'id="profile-head"' in page.content.decode()
    )


def test_a_refused_asset_shows_the_dialog_again(signed_in, ana):
    response = signed_in.post(f"/clients/{ana.pk}/assets/new/", {"serial": "S-1"}, **HX)
    html = response.content.decode()
    assert 'id="asset-dialog"' in html and "data-open" in html
    assert "Enter a name, or choose a group, brand or model." in html
    assert not Asset.objects.exists()


def test_the_name_is_built_from_the_directory(signed_in, ana):
    group = AssetGroupFactory(name="Smartphone")
    modification = ModificationFactory(
        name="128 GB", model=AssetModelFactory(name="iPhone 13", brand=BrandFactory(name="Apple"))
    )
    signed_in.post(
        f"/clients/{ana.pk}/assets/new/",
        {"serial": "S-2", "group": group.pk, "modification": modification.pk},
        **HX,
    )
    asset = Asset.objects.get(serial="S-2")
    assert asset.name == "Smartphone Apple iPhone 13 128 GB"
    assert (asset.brand.name, asset.model.name) == ("Apple", "iPhone 13")


# --- the asset profile ---------------------------------------------------------------------------


def test_the_profile_shows_the_asset_and_its_tabs(signed_in, phone, ana):
    html = signed_in.get(f"/assets/{phone.pk}/").content.decode()
    assert "IMEI-111" in html and "Galaxy A54" in html and ana.display_name in html
    assert 'class="asset-where">At client<' in html
    for tab in ("General", "History", "Orders"):
        assert f">{tab}</a>" in html
    assert "Move to…" in html and "+ Order" in html and "Write off" in html


def test_general_saves_in_place(signed_in, phone):
    model = AssetModelFactory(name="Galaxy S23", brand=BrandFactory(name="Samsung"))
    response = signed_in.post(
        f"/assets/{phone.pk}/",
        {"serial": "IMEI-111", "name": "", "model": model.pk, "comment": "Dent"},
        **HX,
    )
    html = response.content.decode()
    assert "Changes saved." in html
    assert 'id="asset-head" hx-swap-oob="true"' in html
    phone.refresh_from_db()
    assert (phone.name, phone.brand.name, phone.comment) == (
        "Samsung Galaxy S23",
        "Samsung",
        "Dent",
    )


def test_history_is_newest_first_and_paginated(signed_in, phone, places, manager):
    for i in range(30):
        target = places["pending"] if i % 2 == 0 else places["client"]
        services.asset_move(actor=manager, asset=phone, warehouse=target, comment=f"Move {i}")
    html = signed_in.get(f"/assets/{phone.pk}/history/", **HX).content.decode()
    ids = [int(pk) for pk in rows(html, "data-transfer")]
    assert len(ids) == 25 and ids == sorted(ids, reverse=True)
    assert html.index("Move 29") < html.index("Move 28")
    second = signed_in.get(f"/assets/{phone.pk}/history/?page=2", **HX).content.decode()
    assert "Received" in second and len(rows(second, "data-transfer")) == 6


def test_move_to_from_the_profile(signed_in, phone, places):
    response = signed_in.post(
        f"/assets/{phone.pk}/move/", {"warehouse": places["pending"].pk, "comment": "Drop-off"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assets/{phone.pk}/history/"
    last = Transfer.objects.filter(asset=phone).latest("id")
    assert (last.to_warehouse, last.comment) == (places["pending"], "Drop-off")
    page = signed_in.get(response["Location"]).content.decode()
    assert "Moved to Pending repair." in page and "Drop-off" in page


def test_write_off_from_the_profile(signed_in, phone):
    response = signed_in.post(f"/assets/{phone.pk}/write-off/", {"reason": "Water damage"})
    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.is_written_off and phone.write_off_reason == "Water damage"
    html = signed_in.get(f"/assets/{phone.pk}/").content.decode()
    assert "Written off" in html and "Move to…" not in html


def test_plus_order_from_the_profile(signed_in, phone, ana, specialist):
    response = signed_in.post(
        f"/assets/{phone.pk}/new-order/", {"malfunction": "No sound", "assignee": specialist.pk}
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert (order.client, order.assignee, order.malfunction) == (ana, specialist, "No sound")
    assert OrderAsset.objects.get(order=order).asset == phone
    html = signed_in.get(f"/assets/{phone.pk}/orders/", **HX).content.decode()
    assert rows(html, "data-order") == [order.number]


def test_the_orders_tab_keeps_the_employees_document_scope(client, phone, manager, make_employee):
    orders_of_asset = []
    for _ in range(2):
        order = orders.order_create(actor=manager, client=phone.owner)
        services.order_asset_link(actor=manager, order=order, asset=phone)
        orders_of_asset.append(order)
    mine = make_employee("specialist")
    Order.objects.filter(pk=orders_of_asset[0].pk).update(assignee=mine)
    client.force_login(mine)
    html = client.get(f"/assets/{phone.pk}/orders/", **HX).content.decode()
    assert rows(html, "data-order") == [orders_of_asset[0].number]


def test_the_photo_is_served_only_through_the_view(signed_in, manager, ana, settings):
    asset = services.asset_create(
        actor=manager,
        serial="P-1",
        name="Phone",
        owner=ana,
        photo=SimpleUploadedFile("x.jpg", image_bytes("JPEG"), content_type="image/jpeg"),
    )
    response = signed_in.get(f"/assets/{asset.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == image_bytes("JPEG")
    html = signed_in.get(f"/assets/{asset.pk}/").content.decode()
    assert f'src="/assets/{asset.pk}/photo/"' in html
    assert settings.MEDIA_URL not in html


def test_uploaded_files_have_no_public_url_even_in_debug(settings):
    """The photo view checks permission; a MEDIA_URL route in DEBUG would skip that check."""
    import importlib

    from django.urls import Resolver404, resolve

    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL}assets/photos/1.jpg", urlconf=config.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)


# --- the order dialog's panel --------------------------------------------------------------------


def test_the_panel_links_one_of_the_clients_assets(signed_in, phone, ana, manager):
    order = orders.order_create(actor=manager, client=ana)
    dialog = signed_in.get(f"/orders/{order.pk}/", **HX).content.decode()
    assert "Link asset" in dialog and "IMEI-111 · Galaxy A54 (At client)" in dialog
    response = signed_in.post(f"/orders/{order.pk}/asset/", {"asset": phone.pk}, **HX)
    assert response.status_code == 200
    assert f'"path": "/orders/{order.pk}/"' in response["HX-Location"]
    assert '"target": "#document-slot"' in response["HX-Location"]
    dialog = signed_in.get(f"/orders/{order.pk}/", **HX).content.decode()
    assert f'<a href="/assets/{phone.pk}/" class="order-asset-link">IMEI-111</a>' in dialog
    assert "Link asset" not in dialog and "At client" in dialog


def test_the_panels_asset_choice_starts_empty_so_nothing_looks_linked(
    signed_in, phone, ana, manager
):
    order = orders.order_create(actor=manager, client=ana)
    dialog = signed_in.get(f"/orders/{order.pk}/", **HX).content.decode()
    select = dialog[dialog.index('<select id="order-asset-choice"') : dialog.index("</select>")]
    options = select.split("<option")[1:]
    assert options[0].startswith(' value="" selected>Choose an asset…</option>')
    assert "IMEI-111 · Galaxy A54" in options[1] and "selected" not in options[1]
    # Sent as it starts, nothing is linked.
    before = snapshot()
    response = signed_in.post(f"/orders/{order.pk}/asset/", {"asset": ""}, **HX)
    assert "Choose one of the client&#x27;s assets." in response.content.decode()
    assert snapshot() == before


def test_a_refused_link_shows_the_panel_with_the_reason(signed_in, phone, ana, manager):
    order = orders.order_create(actor=manager, client=ana)
    stranger = services.asset_create(
        actor=manager, serial="X-1", name="Other", owner=ClientFactory()
    )
    before = snapshot()
    response = signed_in.post(f"/orders/{order.pk}/asset/", {"asset": stranger.pk}, **HX)
    html = response.content.decode()
    assert 'id="order-asset-panel"' in html
    assert "Choose one of the order&#x27;s client&#x27;s assets." in html
    assert snapshot() == before


def test_no_link_form_on_a_closed_order_or_a_client_without_assets(signed_in, phone, manager):
    labour = {"kind": "text", "title": "Labour", "price": "10.00"}
    order = orders.order_create(actor=manager, client=phone.owner, items=[labour])
    orders.order_close(actor=manager, order=order, settlement="balance")
    assert "order-asset-panel" not in signed_in.get(f"/orders/{order.pk}/", **HX).content.decode()
    other = orders.order_create(actor=manager, client=ClientFactory())
    assert "order-asset-panel" not in signed_in.get(f"/orders/{other.pk}/", **HX).content.decode()


def test_the_link_without_htmx_redirects_to_the_order(client, manager, phone):
    client.force_login(manager)
    order = orders.order_create(actor=manager, client=phone.owner)
    response = client.post(f"/orders/{order.pk}/asset/", {"asset": phone.pk})
    assert (response.status_code, response["Location"]) == (302, f"/orders/{order.pk}/")
    assert OrderAsset.objects.filter(order=order, asset=phone).exists()


def test_the_status_change_from_the_dialog_moves_the_asset(signed_in, phone, manager, specialist):
    order = orders.order_create(actor=manager, client=phone.owner, assignee=specialist)
    services.order_asset_link(actor=manager, order=order, asset=phone)
    progress = OrderStatus.objects.get(group="in_progress")  # seeded: → the assignee
    html = signed_in.post(f"/orders/{order.pk}/status/", {"status": progress.pk}, **HX)
    assert f'class="order-asset-where">{specialist.full_name}' in html.content.decode()


# --- the assets page -----------------------------------------------------------------------------


@pytest.fixture
def shop(manager, places):
    ana, bruno = ClientFactory(first_name="Ana"), ClientFactory(first_name="Bruno")
    made = [
        services.asset_create(actor=manager, serial="IMEI-001", name="iPhone 13", owner=ana),
        services.asset_create(actor=manager, serial="imei-002", name="Galaxy A54", owner=bruno),
        services.asset_create(
            actor=manager, serial="NB-9", name="Notebook Dell", warehouse=places["pending"]
        ),
    ]
    return {"ana": ana, "assets": made}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["NB-9", "imei-002", "IMEI-001"]),
        ({"search": "imei"}, ["imei-002", "IMEI-001"]),
        ({"search": " IMEI-00 "}, ["imei-002", "IMEI-001"]),
        ({"search": "galaxy"}, ["imei-002"]),
        ({"search": "notebook dell"}, ["NB-9"]),
        ({"owner": "company"}, ["NB-9"]),
        ({"owner": "clients"}, ["imei-002", "IMEI-001"]),
        ({"warehouse": "pending"}, ["NB-9"]),
        ({"client": "ana"}, ["IMEI-001"]),
        ({"warehouse": "bogus"}, ["NB-9", "imei-002", "IMEI-001"]),  # bad filter: all
    ],
)
def test_the_assets_page_searches_and_filters(params, expected, signed_in, shop, places):
    params = dict(params)
    if params.get("warehouse") == "pending":
        params["warehouse"] = places["pending"].pk
    if params.get("client") == "ana":
        params["client"] = shop["ana"].pk
    html = signed_in.get("/assets/", params, **HX).content.decode()
    assert rows(html) == expected


def test_the_assets_page_paginates(signed_in, manager, places):
    for i in range(30):
        services.asset_create(
            actor=manager, serial=f"S-{i:02d}", name="Loaner", warehouse=places["pending"]
        )
    first = signed_in.get("/assets/").content.decode()
    assert len(rows(first)) == 25 and "30 assets" in first
    assert len(rows(signed_in.get("/assets/?page=2", **HX).content.decode())) == 5


def test_plus_company_asset(signed_in, places):
    response = signed_in.post(
        "/assets/new/", {"serial": "LOAN-1", "name": "Loaner", "warehouse": places["ready"].pk}
    )
    asset = Asset.objects.get(serial="LOAN-1")
    assert response["Location"] == f"/assets/{asset.pk}/"
    assert (asset.owner, asset.warehouse) == (None, places["ready"])
    form = signed_in.get("/assets/new/").content.decode()
    assert f'value="{places["client"].pk}"' not in form  # a company asset is never "At client"


def test_a_client_who_owns_assets_is_archived_not_deleted(client, admin, phone, ana):
    client.force_login(admin)
    response = client.post(f"/clients/{ana.pk}/delete/", follow=True)
    assert "The client owns assets: archive the client instead." in response.content.decode()
    assert Asset.objects.filter(owner=ana).exists()
