"""Who may do what with assets: each role and each page and endpoint. A denied request answers
403 (404 for the profile tab that is not shown) and changes nothing; an asset that does not
exist is 404; without signing in, pages redirect to the login and the API answers 401."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets import services
from assets.tests.conftest import image_bytes
from assets.tests.helpers import HX, employee_with, snapshot
from clients.tests.factories import ClientFactory
from documents import orders

pytestmark = pytest.mark.django_db

VIEW, EDIT, SETTINGS = "assets.view", "assets.edit", "core.settings"
CLIENTS, DOCS = "clients.view", "documents.edit"


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    needs: tuple[str, ...]
    data: dict | None = None
    api: bool = False
    denied: int = 403
    scope: str = ""  # without it the object is outside the employee's scope: 404

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


ENDPOINTS = [
    # pages
    Endpoint("get", "/assets/", (VIEW,)),
    Endpoint("get", "/assets/{asset}/", (VIEW,)),
    Endpoint("get", "/assets/{asset}/history/", (VIEW,)),
    Endpoint("get", "/assets/{asset}/photo/", (VIEW,)),
    Endpoint("get", "/assets/new/", (EDIT,)),
    Endpoint(
        "post",
        "/assets/new/",
        (EDIT,),
        {"serial": "NEW-1", "warehouse": "{pending}", "name": "Loaner"},
    ),
    Endpoint("post", "/assets/{asset}/", (VIEW, EDIT), {"serial": "IMEI-1", "name": "Renamed"}),
    Endpoint("post", "/assets/{asset}/move/", (EDIT,), {"warehouse": "{pending}"}),
    Endpoint("post", "/assets/{asset}/write-off/", (EDIT,), {"reason": "Lost"}),
    Endpoint("post", "/assets/{asset}/new-order/", (EDIT, DOCS), {"malfunction": "Dead"}),
    Endpoint("get", "/clients/{client}/assets/", (CLIENTS, VIEW), denied=404),
    Endpoint("get", "/clients/{client}/assets/new/", (CLIENTS, VIEW, EDIT)),
    Endpoint(
        "post",
        "/clients/{client}/assets/new/",
        (CLIENTS, VIEW, EDIT),
        {"serial": "NEW-2", "name": "Tablet"},
    ),
    # The order is managed by someone else: "View only my documents" does not see it.
    Endpoint(
        "post",
        "/orders/{order}/asset/",
        (EDIT, DOCS),
        {"asset": "{asset}"},
        scope="documents.view_all",
    ),
    Endpoint("get", "/settings/assets/", (SETTINGS,)),
    Endpoint("get", "/settings/assets/warehouses/", (SETTINGS,)),
    Endpoint(
        "post",
        "/settings/assets/warehouses/new/",
        (SETTINGS,),
        {"name": "Shelf", "kind": "company", "position": "3", "active": "on"},
    ),
    Endpoint(
        "post",
        "/settings/assets/order-statuses/{status}/",
        (SETTINGS,),
        {"target": "warehouse", "warehouse": "{pending}"},
    ),
    Endpoint(
        "post",
        "/settings/assets/directory/brands/new/",
        (SETTINGS,),
        {"name": "Nokia", "active": "on"},
    ),
    Endpoint(
        "post",
        "/settings/assets/custom-fields/new/",
        (SETTINGS,),
        {"label": "Colour", "key": "colour", "kind": "text", "position": "0"},
    ),
    # API
    Endpoint("get", "/api/v1/assets/", (VIEW,), api=True),
    Endpoint("get", "/api/v1/assets/{asset}/", (VIEW,), api=True),
    Endpoint("get", "/api/v1/assets/{asset}/photo/", (VIEW,), api=True),
    Endpoint(
        "post",
        "/api/v1/assets/",
        (EDIT,),
        {"serial": "NEW-3", "name": "Tablet", "owner": "{client}"},
        api=True,
    ),
    Endpoint("patch", "/api/v1/assets/{asset}/", (EDIT,), {"comment": "Scratched"}, api=True),
    Endpoint("get", "/api/v1/assets/{asset}/transfers/", (VIEW,), api=True),
    Endpoint(
        "post", "/api/v1/assets/{asset}/transfers/", (EDIT,), {"warehouse": "{pending}"}, api=True
    ),
    Endpoint("post", "/api/v1/assets/{asset}/write-off/", (EDIT,), {"reason": "Lost"}, api=True),
    Endpoint("get", "/api/v1/warehouses/", (VIEW,), api=True),
    Endpoint("post", "/api/v1/warehouses/", (SETTINGS,), {"name": "Shelf"}, api=True),
    Endpoint("patch", "/api/v1/warehouses/{pending}/", (SETTINGS,), {"name": "Queue"}, api=True),
    Endpoint("get", "/api/v1/brands/", (VIEW,), api=True),
    Endpoint("post", "/api/v1/brands/", (SETTINGS,), {"name": "Nokia"}, api=True),
    Endpoint("post", "/api/v1/asset-groups/", (SETTINGS,), {"name": "Tablet"}, api=True),
]

ROLES = {
    "no assets": (CLIENTS,),
    "viewer": (CLIENTS, VIEW),
    "editor": (CLIENTS, VIEW, EDIT),
    "specialist": None,
    "manager": None,
    "admin": None,
}


@pytest.fixture
def world(manager, places):
    ana = ClientFactory(first_name="Ana")
    photo = SimpleUploadedFile("p.png", image_bytes(), content_type="image/png")
    phone = services.asset_create(
        actor=manager, serial="IMEI-1", name="Galaxy", owner=ana, photo=photo
    )
    order = orders.order_create(actor=manager, client=ana)
    return {
        "asset": phone.pk,
        "client": ana.pk,
        "order": order.pk,
        "status": order.status_id,
        "pending": places["pending"].pk,
    }


def fill(value, world):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


def employee(role: str, make_employee):
    perms = ROLES[role]
    return make_employee(role) if perms is None else employee_with(*perms)


def send(http, endpoint: Endpoint, world, *, api_client=None):
    url = fill(endpoint.url, world)
    data = fill(endpoint.data, world)
    if endpoint.api:
        return getattr(api_client, endpoint.method)(url, data, format="json")
    if endpoint.method == "get":
        return http.get(url)
    return http.post(url, data or {})


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_permission_matrix(endpoint, role, world, client, api_as, make_employee):
    who = employee(role, make_employee)
    client.force_login(who)
    allowed = all(who.has_perm(code) for code in endpoint.needs)
    before = snapshot()

    response = send(client, endpoint, world, api_client=api_as(who))

    if allowed and endpoint.scope and not who.has_perm(endpoint.scope):
        assert response.status_code == 404
        assert snapshot() == before
    elif allowed:
        assert response.status_code in (200, 201, 302), (response.status_code, response.content)
        if endpoint.method != "get" and response.status_code == 200 and not endpoint.api:
            # A page that answers 200 to a POST showed the form again: it must have saved.
            assert snapshot() != before, response.content.decode()[:2000]
    else:
        assert response.status_code == endpoint.denied
        assert snapshot() == before


def test_the_built_in_roles_have_both_asset_permissions(make_employee):
    for role in ("admin", "manager", "specialist", "full_access"):
        who = make_employee(role)
        assert who.has_perm(VIEW) and who.has_perm(EDIT), role


@pytest.mark.parametrize(
    "url",
    [
        "/assets/999999/",
        "/assets/999999/history/",
        "/assets/999999/photo/",
        "/assets/{asset}/nope/",
    ],
)
def test_unknown_assets_and_tabs_are_404(url, world, client, manager):
    client.force_login(manager)
    assert client.get(fill(url, world)).status_code == 404


def test_unknown_assets_are_404_in_the_api(world, api_as, manager):
    api = api_as(manager)
    before = snapshot()
    assert api.get("/api/v1/assets/999999/").status_code == 404
    assert api.patch("/api/v1/assets/999999/", {"comment": "x"}, format="json").status_code == 404
    assert (
        api.post(
            "/api/v1/assets/999999/transfers/", {"warehouse": world["pending"]}, format="json"
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_without_signing_in(world, client, api_client):
    response = client.get(fill("/assets/{asset}/photo/", world))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/assets/").status_code == 302
    assert api_client.get("/api/v1/assets/").status_code == 401
    assert api_client.get(fill("/api/v1/assets/{asset}/photo/", world)).status_code == 401


def test_the_tab_and_nav_show_only_with_the_permission(world, client, make_employee):
    client.force_login(employee_with(CLIENTS))
    html = client.get(fill("/clients/{client}/", world)).content.decode()
    assert "/assets/" not in html
    client.force_login(employee_with(CLIENTS, VIEW))
    html = client.get(fill("/clients/{client}/", world)).content.decode()
    assert fill('href="/clients/{client}/assets/"', world) in html
    assert 'href="/assets/"' in html
    assert (
        "+ Asset" not in client.get(fill("/clients/{client}/assets/", world), **HX).content.decode()
    )


def test_the_order_panel_needs_the_permissions(world, client, make_employee):
    url = fill("/orders/{order}/", world)
    client.force_login(employee_with(CLIENTS, "documents.view_all"))
    assert "order-asset-panel" not in client.get(url, **HX).content.decode()
    client.force_login(employee_with(CLIENTS, "documents.view_all", VIEW))
    html = client.get(url, **HX).content.decode()
    assert "Link asset" not in html  # nothing linked yet and may not link: no panel
    client.force_login(make_employee("manager"))
    assert "Link asset" in client.get(url, **HX).content.decode()
