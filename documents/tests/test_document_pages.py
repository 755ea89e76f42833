"""Who may open and act on the Documents pages: every documents URL for every role.

A missing permission is 403, a document outside the employee's scope is 404, and a refused
request changes nothing. The permissions each built-in role is expected to hold are written
out here, so a change to the roles' migrations shows up as a failing row.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import estimates, orders, sales
from documents.models import Estimate, Order, OrderStatus, Sale
from documents.tests.factories import ProductFactory, ServiceFactory
from documents.tests.page_helpers import (
    HX,
    employee_with,
    product_line,
    sale_data,
    service_line,
    snapshot,
)
from ledger.models import Cashbox

pytestmark = pytest.mark.django_db

VIEW = "view"  # documents.view_all or documents.view_own
EVERYTHING = {
    VIEW,
    "documents.edit",
    "documents.close",
    "documents.reopen",
    "ledger.accept_advance",
    "ledger.refund",
}
# What each role may do with documents; custom roles get exactly their list (+ clients.view).
ROLES: dict[str, set[str]] = {
    "admin": EVERYTHING,
    "manager": EVERYTHING,
    "specialist": {VIEW, "documents.edit"},
    "reader": {VIEW},
    "closer": {VIEW, "documents.close"},
    "cashier": {VIEW, "ledger.accept_advance"},
    "editor without view": {"documents.edit"},
    "no documents": set(),
}
CUSTOM = {
    "reader": ["documents.view_all"],
    "closer": ["documents.view_all", "documents.close"],
    "cashier": ["documents.view_all", "ledger.accept_advance"],
    "editor without view": ["documents.edit"],
    "no documents": [],
}


@dataclass(frozen=True)
class Endpoint:
    """One documents URL: how to call it and what it needs."""

    name: str
    method: str
    url: Callable[[dict], str]
    needs: tuple[str, ...]
    data: Callable[[dict], dict] | None = None
    # Checked once the document is found (what the posted form asks for), so outside the
    # scope the answer is 404 whatever the role lacks.
    later: tuple[str, ...] = ()
    # On one document: outside the employee's scope it is 404.
    on_document: bool = True
    # The profile frame answers 404 for a tab the employee may not open.
    denied: int = 403
    htmx: bool = True

    def __str__(self) -> str:
        return self.name


def _url(name: str, *keys: str) -> Callable[[dict], str]:
    return lambda p: reverse(f"documents:{name}", args=[p[key].pk for key in keys])


def _tab(p: dict) -> str:
    return reverse("clients:tab", args=[p["client"].pk, "documents"])


ENDPOINTS = [
    Endpoint("documents tab", "GET", _tab, (VIEW,), on_document=False, denied=404, htmx=False),
    Endpoint(
        "documents list",
        "GET",
        lambda p: _tab(p) + "?part=list&type=order",
        (VIEW,),
        on_document=False,
        denied=404,
    ),
    Endpoint("order dialog", "GET", _url("order_detail", "order"), (VIEW,)),
    Endpoint("order page", "GET", _url("order_detail", "order"), (VIEW,), htmx=False),
    Endpoint("estimate dialog", "GET", _url("estimate_detail", "estimate"), (VIEW,)),
    Endpoint("estimate page", "GET", _url("estimate_detail", "estimate"), (VIEW,), htmx=False),
    Endpoint("sale dialog", "GET", _url("sale_detail", "sale"), (VIEW,)),
    Endpoint("sale page", "GET", _url("sale_detail", "sale"), (VIEW,), htmx=False),
    Endpoint(
        "new order form",
        "GET",
        _url("order_create", "client"),
        ("documents.edit",),
        on_document=False,
    ),
    Endpoint(
        "new estimate form",
        "GET",
        _url("estimate_create", "client"),
        ("documents.edit",),
        on_document=False,
    ),
    Endpoint(
        "new sale form",
        "GET",
        _url("sale_create", "client"),
        ("documents.edit", "documents.close"),
        on_document=False,
    ),
    Endpoint(
        "create order",
        "POST",
        _url("order_create", "client"),
        ("documents.edit",),
        lambda p: {"malfunction": "Does not turn on"},
        on_document=False,
    ),
    Endpoint(
        "create estimate",
        "POST",
        _url("estimate_create", "client"),
        ("documents.edit",),
        lambda p: {"description": "Battery"},
        on_document=False,
    ),
    Endpoint(
        "create sale",
        "POST",
        _url("sale_create", "client"),
        ("documents.edit", "documents.close"),
        lambda p: sale_data(product_line(p["product"]), cashbox=p["till"]),
        on_document=False,
    ),
    Endpoint(
        "edit order",
        "POST",
        _url("order_edit", "order"),
        ("documents.edit",),
        lambda p: {"edit-malfunction": "Edited", "edit-manager": p["specialist"].pk},
    ),
    Endpoint(
        "add order line",
        "POST",
        _url("order_item_add", "order"),
        ("documents.edit",),
        lambda p: service_line(p["service"]),
    ),
    Endpoint(
        "edit order line",
        "POST",
        _url("order_item_edit", "order", "order_item"),
        ("documents.edit",),
        lambda p: {
            "line-edit-title": "Edited line",
            "line-edit-quantity": "2",
            "line-edit-price": "10.00",
            "line-edit-discount": "0",
            "line-edit-discount_kind": "percent",
            "line-edit-warranty_days": "0",
        },
    ),
    Endpoint(
        "order line editor",
        "GET",
        _url("order_item_edit", "order", "order_item"),
        ("documents.edit",),
    ),
    Endpoint(
        "remove order line",
        "POST",
        _url("order_item_remove", "order", "order_item"),
        ("documents.edit",),
        lambda p: {},
    ),
    Endpoint(
        "order status",
        "POST",
        _url("order_status", "order"),
        ("documents.edit",),
        lambda p: {"status": p["in_progress"].pk, "comment": "Started"},
    ),
    Endpoint(
        "prepayment",
        "POST",
        _url("order_prepay", "order"),
        ("documents.edit", "ledger.accept_advance"),
        lambda p: {"prepay-amount": "20", "prepay-cashbox": p["till"].pk},
    ),
    Endpoint(
        "close order",
        "POST",
        _url("order_close", "order"),
        ("documents.close",),
        lambda p: {"close-settlement": "balance"},
    ),
    Endpoint(
        "reopen order",
        "POST",
        _url("order_reopen", "closed_order"),
        ("documents.reopen",),
        lambda p: {"reopen-comment": "Closed by mistake"},
    ),
    Endpoint(
        "edit estimate",
        "POST",
        _url("estimate_edit", "estimate"),
        ("documents.edit",),
        lambda p: {"description": "Edited", "manager": p["specialist"].pk},
    ),
    Endpoint(
        "add estimate line",
        "POST",
        _url("estimate_item_add", "estimate"),
        ("documents.edit",),
        lambda p: service_line(p["service"]),
    ),
    Endpoint(
        "edit estimate line",
        "POST",
        _url("estimate_item_edit", "estimate", "estimate_item"),
        ("documents.edit",),
        lambda p: {
            "line-edit-title": "Edited line",
            "line-edit-quantity": "2",
            "line-edit-price": "10.00",
            "line-edit-discount": "0",
            "line-edit-discount_kind": "percent",
            "line-edit-warranty_days": "0",
        },
    ),
    Endpoint(
        "estimate line editor",
        "GET",
        _url("estimate_item_edit", "estimate", "estimate_item"),
        ("documents.edit",),
    ),
    Endpoint(
        "remove estimate line",
        "POST",
        _url("estimate_item_remove", "estimate", "estimate_item"),
        ("documents.edit",),
        lambda p: {},
    ),
    Endpoint(
        "estimate status",
        "POST",
        _url("estimate_status", "estimate"),
        ("documents.edit",),
        lambda p: {"status": "sent"},
    ),
    Endpoint(
        "convert estimate",
        "POST",
        _url("estimate_convert", "estimate"),
        ("documents.edit",),
        lambda p: {},
    ),
    Endpoint(
        "return goods",
        "POST",
        _url("sale_return", "sale"),
        ("documents.edit", "documents.close"),
        lambda p: {f"return-qty_{p['sale_item'].pk}": "1"},
    ),
    Endpoint(
        "return goods and pay back",
        "POST",
        _url("sale_return", "sale"),
        ("documents.edit", "documents.close"),
        lambda p: {
            f"return-qty_{p['sale_item'].pk}": "1",
            "return-pay_back": "on",
            "return-cashbox": p["till"].pk,
        },
        later=("ledger.refund",),
    ),
]
POSTS = [e for e in ENDPOINTS if e.method == "POST"]
ON_DOCUMENT = [e for e in ENDPOINTS if e.on_document]


def documents_of(responsible, *, actor, client, shop) -> dict:
    """An open order with a line, a closed order, an estimate with a line and a sale paid
    into the till, all managed by ``responsible``."""
    order = orders.order_create(actor=actor, client=client, manager=responsible)
    order_item = orders.order_item_add(
        actor=actor, order=order, kind="service", service=shop["service"]
    )
    closed_order = orders.order_create(actor=actor, client=client, manager=responsible)
    orders.order_item_add(actor=actor, order=closed_order, kind="service", service=shop["service"])
    orders.order_close(actor=actor, order=closed_order, settlement="balance")
    estimate = estimates.estimate_create(actor=actor, client=client, manager=responsible)
    estimate_item = estimates.estimate_item_add(
        actor=actor, estimate=estimate, kind="service", service=shop["service"]
    )
    sale = sales.sale_create(
        actor=actor,
        client=client,
        items=[{"kind": "product", "product": shop["product"], "quantity": Decimal("2")}],
        settlement="cashbox",
        cashbox=shop["till"],
        manager=responsible,
    )
    return {
        "order": order,
        "order_item": order_item,
        "closed_order": closed_order,
        "estimate": estimate,
        "estimate_item": estimate_item,
        "sale": sale,
        "sale_item": sale.items.get(),
    }


@pytest.fixture
def shop(db):
    return {
        "till": Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH),
        "service": ServiceFactory(title="Screen replacement", price=Decimal("250.00")),
        "product": ProductFactory(title="USB-C cable", price=Decimal("30.00")),
        "in_progress": OrderStatus.objects.get(group="in_progress", name="In progress"),
    }


@pytest.fixture
def papers(shop, specialist, make_employee):
    """The specialist's documents (created by a manager) for one client."""
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    boss = make_employee("manager")
    mine = documents_of(specialist, actor=boss, client=client, shop=shop)
    return {**shop, **mine, "client": client, "specialist": specialist, "boss": boss}


def employee_for(role: str, specialist, make_employee):
    if role == "specialist":
        return specialist
    if role in CUSTOM:
        return employee_with("clients.view", *CUSTOM[role])
    return make_employee(role)


def call(http, endpoint: Endpoint, p: dict):
    headers = HX if endpoint.htmx else {}
    url = endpoint.url(p)
    if endpoint.method == "GET":
        return http.get(url, **headers)
    return http.post(url, endpoint.data(p), **headers)


def expected_status(role: str, endpoint: Endpoint) -> int:
    if not set(endpoint.needs) <= ROLES[role]:
        return endpoint.denied
    if endpoint.on_document and VIEW not in ROLES[role]:
        return 404
    if not set(endpoint.later) <= ROLES[role]:
        return endpoint.denied
    return 200


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(client, make_employee, papers, role, endpoint):
    employee = employee_for(role, papers["specialist"], make_employee)
    client.force_login(employee)
    expected = expected_status(role, endpoint)
    before = snapshot()

    response = call(client, endpoint, papers)

    assert response.status_code == expected, response.content.decode()[:2000]
    if endpoint.method == "POST" and expected != 200:
        assert snapshot() == before
    elif endpoint.method == "POST":
        assert snapshot() != before
        assert "documents-changed" in response.headers["HX-Trigger"]
        assert 'class="message message-error"' not in response.content.decode()


def test_the_built_in_roles_hold_what_the_matrix_expects(make_employee, specialist):
    """The matrix above is only as good as its ROLES table: check it against the roles."""
    codes = ["documents.edit", "documents.close", "documents.reopen"]
    codes += ["ledger.accept_advance", "ledger.refund"]
    for role in ("admin", "manager", "specialist"):
        employee = employee_for(role, specialist, make_employee)
        held = {code for code in codes if employee.has_perm(code)}
        if employee.has_perm("documents.view_all") or employee.has_perm("documents.view_own"):
            held.add(VIEW)
        assert held == ROLES[role], role
    assert specialist.has_perm("documents.view_own")
    assert not specialist.has_perm("documents.view_all")


@pytest.fixture
def foreign(papers, make_employee):
    """Documents of the same client that another manager is responsible for."""
    other = make_employee("manager")
    theirs = documents_of(other, actor=other, client=papers["client"], shop=papers)
    return {**papers, **theirs}


@pytest.mark.parametrize("endpoint", ON_DOCUMENT, ids=str)
def test_a_specialist_gets_404_on_documents_of_others(client, foreign, endpoint):
    """Outside the scope a document does not exist; an action the role lacks is still 403
    (the permission is checked before the document is looked up). Nothing changes."""
    client.force_login(foreign["specialist"])
    before = snapshot()
    response = call(client, endpoint, foreign)
    held = set(endpoint.needs) <= ROLES["specialist"]
    assert response.status_code == (404 if held else 403)
    assert snapshot() == before


def test_the_specialist_sees_only_their_orders_in_the_tab(
    client, papers, make_employee, specialist
):
    boss, client_ = papers["boss"], papers["client"]
    assigned = orders.order_create(actor=boss, client=client_, assignee=specialist)
    foreign = orders.order_create(actor=boss, client=client_, manager=boss)
    foreign_estimate = estimates.estimate_create(actor=boss, client=client_)
    client.force_login(specialist)

    html = client.get(_tab(papers)).content.decode()
    shown = set(_numbers(html))
    assert {papers["order"].number, papers["closed_order"].number, assigned.number} <= shown
    assert {papers["estimate"].number, papers["sale"].number} <= shown
    assert foreign.number not in shown
    assert foreign_estimate.number not in shown

    only_orders = client.get(_tab(papers) + "?part=list&type=order", **HX).content.decode()
    assert set(_numbers(only_orders)) == {
        papers["order"].number,
        papers["closed_order"].number,
        assigned.number,
    }
    assert client.get(f"/orders/{foreign.pk}/", **HX).status_code == 404
    assert client.get(f"/orders/{foreign.pk}/").status_code == 404
    assert client.get(f"/orders/{assigned.pk}/", **HX).status_code == 200

    client.force_login(boss)
    every = set(_numbers(client.get(_tab(papers) + "?part=list", **HX).content.decode()))
    assert {foreign.number, foreign_estimate.number} <= every


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-document="([^"]+)"', html)


def test_anonymous_visitors_are_sent_to_sign_in(client, papers):
    before = snapshot()
    for endpoint in ENDPOINTS:
        response = call(client, endpoint, papers)
        assert response.status_code == 302, endpoint
        assert "/login/" in response["Location"] or "login" in response["Location"], endpoint
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", POSTS, ids=str)
def test_actions_are_post_only(client, manager, papers, endpoint):
    client.force_login(manager)
    before = snapshot()
    if endpoint.name.startswith(("create", "edit order line", "edit estimate line")):
        return  # the "+ Order" forms and the line editors are their GET
    assert client.get(endpoint.url(papers), **HX).status_code == 405
    assert snapshot() == before


def test_actions_without_htmx_redirect_to_the_document(client, manager, papers):
    client.force_login(manager)
    order = papers["order"]
    response = client.post(
        reverse("documents:order_item_add", args=[order.pk]), service_line(papers["service"])
    )
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    page = client.get(response["Location"])
    assert b"Line added." in page.content
    assert b'id="document-dialog"' in page.content and b"profile-tabs" in page.content

    response = client.post(reverse("documents:estimate_convert", args=[papers["estimate"].pk]))
    converted = Order.objects.get(pk=Estimate.objects.get(pk=papers["estimate"].pk).order_id)
    assert response["Location"] == f"/orders/{converted.pk}/"


@pytest.mark.parametrize(
    ("key", "model"), [("order", Order), ("estimate", Estimate), ("sale", Sale)]
)
def test_a_document_url_is_the_dialog_or_the_whole_profile(client, manager, papers, key, model):
    client.force_login(manager)
    document = papers[key]
    url = f"/{key}s/{document.pk}/"
    dialog = client.get(url, **HX)
    assert dialog.status_code == 200
    assert b'id="document-dialog"' in dialog.content
    assert b"profile-tabs" not in dialog.content
    assert "HX-Request" in dialog["Vary"]
    page = client.get(url)
    html = page.content.decode()
    assert 'id="document-dialog"' in html and "profile-tabs" in html
    assert 'id="documents-list"' in html
    assert document.number in _numbers(html)
    assert (
        client.get(f"/{key}s/{model.objects.order_by('-pk').first().pk + 1000}/").status_code == 404
    )


def test_an_action_on_a_line_of_another_document_is_404(client, manager, papers):
    other = orders.order_create(actor=manager, client=papers["client"])
    other_item = orders.order_item_add(
        actor=manager, order=other, kind="service", service=papers["service"]
    )
    client.force_login(manager)
    before = snapshot()
    url = reverse("documents:order_item_remove", args=[papers["order"].pk, other_item.pk])
    assert client.post(url, **HX).status_code == 404
    url = reverse(
        "documents:estimate_item_remove", args=[papers["estimate"].pk, other_item.pk + 10_000]
    )
    assert client.post(url, **HX).status_code == 404
    assert snapshot() == before


def test_actions_that_move_money_refresh_the_profile_header(client, manager, papers):
    client.force_login(manager)
    response = client.post(
        reverse("documents:order_prepay", args=[papers["order"].pk]),
        {"prepay-amount": "20", "prepay-cashbox": papers["till"].pk},
        **HX,
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/orders/{papers['order'].pk}/"
    assert 'hx-swap-oob="true"' in response.content.decode()
    # A status change moves no money: the header stays.
    response = client.post(
        reverse("documents:order_status", args=[papers["order"].pk]),
        {"status": papers["in_progress"].pk},
        **HX,
    )
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' not in response.content.decode()


# The forms a dialog offers, by the action they post to, and what each needs.
OFFERED = {
    "order": [
        ("order_item_add", {"documents.edit"}),
        ("order_status", {"documents.edit"}),
        ("order_edit", {"documents.edit"}),
        ("order_prepay", {"documents.edit", "ledger.accept_advance"}),
        ("order_close", {"documents.close"}),
    ],
    "closed_order": [("order_reopen", {"documents.reopen"})],
    "estimate": [
        ("estimate_item_add", {"documents.edit"}),
        ("estimate_convert", {"documents.edit"}),
        ("estimate_status", {"documents.edit"}),
    ],
    "sale": [("sale_return", {"documents.edit", "documents.close"})],
}
DETAIL = {"order": "order_detail", "closed_order": "order_detail"}


@pytest.mark.parametrize("role", [r for r in ROLES if VIEW in ROLES[r]])
def test_a_dialog_offers_only_the_actions_the_employee_may_take(
    client, make_employee, papers, role
):
    """A form the employee cannot submit (it would answer 403) is not shown."""
    client.force_login(employee_for(role, papers["specialist"], make_employee))
    for key, actions in OFFERED.items():
        document = papers[key]
        detail = DETAIL.get(key, f"{key}_detail")
        html = client.get(reverse(f"documents:{detail}", args=[document.pk]), **HX)
        html = html.content.decode()
        for action, needs in actions:
            action_url = reverse(f"documents:{action}", args=[document.pk])
            assert (f'action="{action_url}"' in html) == (needs <= ROLES[role]), (key, action)
    sale_html = client.get(reverse("documents:sale_detail", args=[papers["sale"].pk]), **HX)
    may_pay_back = {"documents.edit", "documents.close", "ledger.refund"} <= ROLES[role]
    assert ('name="return-pay_back"' in sale_html.content.decode()) == may_pay_back
    tab = client.get(_tab(papers), **HX).content.decode()
    may_create = "documents.edit" in ROLES[role]
    new_order = reverse("documents:order_create", args=[papers["client"].pk])
    assert (f'href="{new_order}"' in tab) == may_create
    new_sale = reverse("documents:sale_create", args=[papers["client"].pk])
    may_sell = {"documents.edit", "documents.close"} <= ROLES[role]
    assert (f'href="{new_sale}"' in tab) == may_sell


def test_documents_of_a_client_the_employee_may_not_see_are_404(client, papers):
    """Seeing every document is not enough: the client must be visible too."""
    client.force_login(employee_with("documents.view_all", "documents.edit", "documents.close"))
    before = snapshot()
    for endpoint in ENDPOINTS:
        tab = endpoint.name.startswith("documents ")
        if not tab and {VIEW, "documents.edit"} >= set(endpoint.needs) | set(endpoint.later):
            assert call(client, endpoint, papers).status_code == 404, endpoint
    assert client.get(_tab(papers)).status_code == 403  # the profile itself needs clients.view
    assert snapshot() == before


# Actions that move money or add a document: the profile header (balance, tab badges) is
# sent along out of band.
MOVES_THE_HEADER = {
    "create order",
    "create estimate",
    "create sale",
    "prepayment",
    "close order",
    "reopen order",
    "convert estimate",
    "return goods",
    "return goods and pay back",
}


@pytest.mark.parametrize("endpoint", POSTS, ids=str)
def test_an_action_answers_with_the_dialog_its_url_and_the_list_reload(
    client, manager, papers, endpoint
):
    client.force_login(manager)
    response = call(client, endpoint, papers)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith("<dialog") and 'id="document-dialog"' in text
    assert "profile-tabs" not in text.split("</dialog>")[0]
    assert "documents-changed" in json.loads(response["HX-Trigger"])
    pushed = response["HX-Push-Url"]
    assert f'data-document-url="{pushed}"' in text  # the dialog the URL names
    assert client.get(pushed, **HX).status_code == 200
    assert ('hx-swap-oob="true"' in text) == (endpoint.name in MOVES_THE_HEADER)


def test_a_history_restore_gets_the_whole_page(client, manager, papers):
    """Back to a dialog's URL with htmx's cache empty: htmx asks for the whole page."""
    client.force_login(manager)
    restore = {**HX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    for url in (f"/orders/{papers['order'].pk}/", f"/sales/{papers['sale'].pk}/"):
        html = client.get(url, **restore).content.decode()
        assert "profile-tabs" in html and 'id="document-dialog"' in html
