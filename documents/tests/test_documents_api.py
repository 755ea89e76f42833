"""Who may do what through the order, estimate and sale API: each role by each endpoint (a
denied request changes nothing), the "only mine" scope (outside it is 404), and lists that
read the same number of queries however many documents they show."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role
from clients.tests.factories import ClientFactory
from documents.estimates import estimate_create
from documents.orders import order_close, order_create
from documents.sales import sale_create
from ledger.tests.factories import CashboxFactory

from .api_helpers import ESTIMATES, ORDERS, SALES, snapshot, url
from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal
ROLES = ("admin", "manager", "specialist", "nobody", "anonymous")
LINE = {"title": "Repair", "price": "100.00"}


@pytest.fixture
def world(make_employee):
    """A client, a cashbox and a boss who owns one document of each kind (plus a closed
    order and a sale to take goods back from)."""
    boss = make_employee("manager")
    client = ClientFactory()
    cashbox = CashboxFactory()
    line = {"kind": "text", "title": "Repair", "price": D("100.00")}
    closed = order_create(actor=boss, client=client, items=[line])
    order_close(actor=boss, order=closed, settlement="balance")
    return {
        "boss": boss,
        "client": client,
        "cashbox": cashbox,
        "order": order_create(actor=boss, client=client, items=[line]),
        "closed": closed,
        "estimate": estimate_create(actor=boss, client=client, items=[line]),
        "sale": sale_create(actor=boss, client=client, items=[line], settlement="balance"),
    }


def http_as(role: str, make_employee, api_as) -> APIClient:
    if role == "anonymous":
        return APIClient()
    if role == "nobody":
        nobody = Role.objects.create(name="Clients only", permissions=["clients.view"])
        return api_as(make_employee(role=nobody))
    return api_as(make_employee(role))


def requests(world) -> dict:
    """Each endpoint: (method, path, body)."""
    client, cashbox = world["client"].pk, world["cashbox"].pk
    order, estimate, sale = world["order"].pk, world["estimate"].pk, world["sale"].pk
    return {
        "orders list": ("get", ORDERS, None),
        "order detail": ("get", url(ORDERS, order), None),
        "order create": ("post", ORDERS, {"client": client, "items": [LINE]}),
        "order edit": ("patch", url(ORDERS, order), {"description": "x"}),
        "order line": ("post", url(ORDERS, order, "items"), LINE),
        "order close": (
            "post",
            url(ORDERS, order, "close"),
            {"settlement": "cashbox", "cashbox": cashbox},
        ),
        "order reopen": ("post", url(ORDERS, world["closed"].pk, "reopen"), {"comment": "x"}),
        "estimates list": ("get", ESTIMATES, None),
        "estimate create": ("post", ESTIMATES, {"client": client, "items": [LINE]}),
        "estimate convert": ("post", url(ESTIMATES, estimate, "convert"), {}),
        "sales list": ("get", SALES, None),
        "sale detail": ("get", url(SALES, sale), None),
        "sale create": (
            "post",
            SALES,
            {"client": client, "items": [LINE], "settlement": "balance"},
        ),
        "sale return": ("post", url(SALES, sale, "returns"), {}),
    }


# What each role may do, as the built-in roles grant it. The Specialist sees only their own
# documents: the boss's are 404 to them (see the scope tests below), so here they are
# checked on endpoints that need no existing document.
ALLOWED = {
    "admin": "all",
    "manager": "all",
    "specialist": {
        "orders list",
        "order create",
        "estimates list",
        "estimate create",
        "sales list",
    },
    "nobody": set(),
    "anonymous": set(),
}
# Endpoints a Specialist lacks the permission for (403, whatever the document).
SPECIALIST_FORBIDDEN = {"order close", "order reopen", "sale create", "sale return"}
SUCCESS = {"get": 200, "post": 201, "patch": 200}
ACTION_SUCCESS = {"order close": 200, "order reopen": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint",
    [
        "orders list",
        "order detail",
        "order create",
        "order edit",
        "order line",
        "order close",
        "order reopen",
        "estimates list",
        "estimate create",
        "estimate convert",
        "sales list",
        "sale detail",
        "sale create",
        "sale return",
    ],
)
def test_permission_matrix(role, endpoint, world, make_employee, api_as):
    http = http_as(role, make_employee, api_as)
    method, path, body = requests(world)[endpoint]
    before = snapshot()
    response = getattr(http, method)(path, body, format="json")
    allowed = ALLOWED[role] == "all" or endpoint in ALLOWED[role]
    if allowed:
        expected = ACTION_SUCCESS.get(endpoint, SUCCESS[method])
        assert response.status_code == expected, (role, endpoint, response.content)
        return
    if role == "anonymous":
        assert response.status_code == 401
    elif role == "nobody" or endpoint in SPECIALIST_FORBIDDEN:
        assert response.status_code == 403, (role, endpoint, response.status_code)
    else:  # the Specialist, on a document that is not theirs
        assert response.status_code == 404, (role, endpoint, response.status_code)
    assert snapshot() == before


def test_reopening_is_its_own_permission(world, make_employee, api_as):
    closer = Role.objects.create(
        name="Closer",
        permissions=["clients.view", "documents.view_all", "documents.edit", "documents.close"],
    )
    http = api_as(make_employee(role=closer))
    order = world["order"]
    closed = http.post(url(ORDERS, order.pk, "close"), {"settlement": "balance"}, format="json")
    assert closed.status_code == 200
    before = snapshot()
    reopen = http.post(url(ORDERS, order.pk, "reopen"), {"comment": "x"}, format="json")
    assert reopen.status_code == 403
    assert snapshot() == before


def test_reading_alone_writes_nothing(world, make_employee, api_as):
    reader = Role.objects.create(name="Reader", permissions=["clients.view", "documents.view_all"])
    http = api_as(make_employee(role=reader))
    assert http.get(ORDERS).json()["count"] == 2
    before = snapshot()
    for method, path, body in requests(world).values():
        if method != "get":
            assert getattr(http, method)(path, body, format="json").status_code == 403, path
    assert snapshot() == before


# --- the Specialist's scope ------------------------------------------------------------------


def test_a_specialist_sees_only_the_orders_they_are_assigned_or_manage(
    world, specialist, make_employee, api_as
):
    boss, client = world["boss"], world["client"]
    other = make_employee("specialist")
    assigned = order_create(actor=boss, client=client, assignee=specialist)
    managed = order_create(actor=boss, client=client, manager=specialist)
    theirs = order_create(actor=boss, client=client, assignee=other)
    http = api_as(specialist)
    listed = http.get(ORDERS).json()
    assert [row["id"] for row in listed["results"]] == [managed.pk, assigned.pk]
    assert http.get(ORDERS, {"client": client.pk}).json()["count"] == 2
    assert http.get(url(ORDERS, assigned.pk)).status_code == 200

    before = snapshot()
    for order in (theirs, world["order"]):
        assert http.get(url(ORDERS, order.pk)).status_code == 404
        assert (
            http.patch(url(ORDERS, order.pk), {"malfunction": "x"}, format="json").status_code
            == 404
        )
        assert http.post(url(ORDERS, order.pk, "items"), LINE, format="json").status_code == 404
    assert snapshot() == before

    # Their own order they may work on.
    added = http.post(url(ORDERS, assigned.pk, "items"), LINE, format="json")
    assert added.status_code == 201


def test_a_specialist_sees_only_their_own_estimates_and_sales(world, specialist, api_as):
    http = api_as(specialist)
    mine = http.post(
        ESTIMATES, {"client": world["client"].pk, "items": [LINE]}, format="json"
    ).json()
    assert [row["id"] for row in http.get(ESTIMATES).json()["results"]] == [mine["id"]]
    assert http.get(url(ESTIMATES, world["estimate"].pk)).status_code == 404
    assert http.get(SALES).json()["count"] == 0
    assert http.get(url(SALES, world["sale"].pk)).status_code == 404
    assert http.get(url(SALES, world["sale"].pk, "returns")).status_code == 404

    converted = http.post(url(ESTIMATES, mine["id"], "convert"), {}, format="json")
    assert converted.status_code == 201
    # The order made from their estimate is theirs to see.
    assert http.get(url(ORDERS, converted.json()["id"])).status_code == 200


def test_a_specialist_creating_an_order_manages_it(world, specialist, api_as):
    http = api_as(specialist)
    created = http.post(ORDERS, {"client": world["client"].pk}, format="json").json()
    assert created["manager"] == specialist.pk
    assert http.get(url(ORDERS, created["id"])).status_code == 200


# --- query counts ----------------------------------------------------------------------------


def fill(boss, client, count: int) -> None:
    service, product = ServiceFactory(), ProductFactory()
    lines = [
        {"kind": "service", "service": service},
        {"kind": "product", "product": product, "quantity": D("2")},
    ]
    for _ in range(count):
        order_create(actor=boss, client=client, items=lines)
        estimate_create(actor=boss, client=client, items=lines)
        sale_create(actor=boss, client=client, items=lines, settlement="balance")


def queries(http, path: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_rows
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", [ORDERS, ESTIMATES, SALES])
@pytest.mark.parametrize("role", ["manager", "specialist"])
def test_lists_read_the_same_number_of_queries_for_2_and_30_documents(
    path, role, make_employee, api_as
):
    employee = make_employee(role)
    client = ClientFactory()
    http = api_as(employee)
    fill(employee, client, 2)
    small = queries(http, path, 2)
    fill(employee, client, 28)
    large = queries(http, path, 30)
    assert small == large
    assert large <= 6  # token and employee, role, count, rows, lines
