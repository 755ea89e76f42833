"""Who sees which documents: ``visible_to(employee)`` on orders, estimates and sales, the one
scope every list, tab and API view starts from.

Admins and managers ("view all documents") see every document; a specialist ("view only my
documents") sees the orders they are assigned to or manage, and the estimates and sales they
manage; a role with neither permission, an inactive employee and nobody at all see none.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from clients.tests.factories import ClientFactory
from documents.estimates import estimate_create
from documents.models import Estimate, Order, Sale
from documents.orders import order_create, order_update
from documents.sales import sale_create
from documents.totals import LineKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(make_employee):
    return make_employee("manager"), make_employee("specialist")


@pytest.fixture
def documents(manager, specialist, others):
    """For each type: one document the specialist manages, one managed by someone else, and
    (orders only) one someone else manages but the specialist is assigned to."""
    other_manager, other_specialist = others
    client = ClientFactory()
    sold = [{"kind": LineKind.TEXT, "title": "Cable", "price": "5.00"}]

    own_order = order_create(actor=manager, client=client, manager=specialist)
    assigned_order = order_create(actor=manager, client=client, assignee=specialist)
    foreign_order = order_create(actor=manager, client=client, assignee=other_specialist)
    own_estimate = estimate_create(actor=specialist, client=client)
    foreign_estimate = estimate_create(actor=other_manager, client=client)
    own_sale = sale_create(
        actor=manager, client=client, items=sold, settlement="balance", manager=specialist
    )
    foreign_sale = sale_create(actor=other_manager, client=client, items=sold, settlement="balance")
    return {
        Order: ({own_order, assigned_order}, {foreign_order}),
        Estimate: ({own_estimate}, {foreign_estimate}),
        Sale: ({own_sale}, {foreign_sale}),
    }


MODELS = [Order, Estimate, Sale]


def visible(model, employee) -> set:
    return set(model.objects.visible_to(employee))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["admin", "manager", "full_access"])
def test_view_all_sees_every_document(make_employee, documents, model, role):
    own, foreign = documents[model]
    assert visible(model, make_employee(role)) == own | foreign


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_specialist_sees_only_the_documents_they_are_responsible_for(
    specialist, documents, model
):
    own, _foreign = documents[model]
    assert visible(model, specialist) == own


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_specialist_responsible_for_nothing_sees_nothing(make_employee, documents, model):
    assert visible(model, make_employee("specialist")) == set()


def test_an_order_handed_to_someone_else_leaves_the_specialists_view(manager, specialist):
    order = order_create(actor=manager, client=ClientFactory(), assignee=specialist)
    assert visible(Order, specialist) == {order}
    order_update(actor=manager, order=order, assignee=None)
    assert visible(Order, specialist) == set()


def test_a_line_assigned_to_a_specialist_does_not_show_them_the_order(manager, specialist):
    """The scope follows the order's people, not who does one of its lines."""
    order_create(
        actor=manager,
        client=ClientFactory(),
        items=[{"kind": LineKind.TEXT, "title": "Fit", "price": "10.00", "assignee": specialist}],
    )
    assert visible(Order, specialist) == set()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_role_without_document_permissions_sees_none(documents, model):
    receptionist = Role.objects.create(
        name="Receptionist", permissions=["clients.view", "clients.create", "documents.edit"]
    )
    employee = EmployeeFactory(role=receptionist)
    assert visible(model, employee) == set()
    assert model.objects.count() > 0


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_an_inactive_employee_or_nobody_sees_none(make_employee, documents, model):
    assert visible(model, make_employee("admin", is_active=False)) == set()
    assert visible(model, AnonymousUser()) == set()
    assert visible(model, None) == set()


def test_the_scope_narrows_any_query_it_follows(specialist, documents):
    own, _foreign = documents[Order]
    newest = Order.objects.order_by("-id").visible_to(specialist).first()
    assert newest == max(own, key=lambda order: order.pk)
    assert Order.objects.filter(pk__in=[o.pk for o in own]).visible_to(specialist).count() == 2


def test_the_tab_badge_counts_only_the_documents_the_employee_sees(
    client, documents, specialist, manager
):
    customer = next(iter(documents[Order][0])).client

    def badge(employee) -> str:
        client.force_login(employee)
        html = client.get(f"/clients/{customer.pk}/").content.decode()
        tab = html[html.index(f'href="/clients/{customer.pk}/documents/"') :]
        return tab[: tab.index("</a>")]

    # own: 2 orders + 1 estimate + 1 sale; every document: 3 + 2 + 2
    assert '<span class="badge badge-count">4</span>' in badge(specialist)
    assert '<span class="badge badge-count">7</span>' in badge(manager)


@pytest.mark.parametrize(
    ("model", "path"), [(Order, "orders"), (Estimate, "estimates"), (Sale, "sales")]
)
def test_the_api_shows_a_document_only_with_its_client_as_the_pages_do(
    documents, model, path, api_as, client
):
    """A role that may see every document but no client sees neither on the pages nor in
    the API (the client's name would leak through the document)."""
    role = Role.objects.create(name="Documents only", permissions=["documents.view_all"])
    employee = EmployeeFactory(role=role)
    document = next(iter(documents[model][0]))
    api = api_as(employee)
    assert api.get(f"/api/v1/{path}/").json()["results"] == []
    assert api.get(f"/api/v1/{path}/{document.pk}/").status_code == 404
    client.force_login(employee)
    assert client.get(f"/{path}/{document.pk}/").status_code == 404  # the page has the same path
    # With "View clients" as well, both show it.
    role.permissions = ["documents.view_all", "clients.view"]
    role.save()
    employee = type(employee).objects.get(pk=employee.pk)
    assert api_as(employee).get(f"/api/v1/{path}/{document.pk}/").status_code == 200


def test_narrowing_by_visible_clients_adds_no_subquery_when_all_are_visible(manager):
    from clients.models import Client

    rows = Order.objects.all()
    assert Client.objects.visible_to(manager).narrow(rows) is rows
    assert not Client.objects.visible_to(None).narrow(rows).exists()
    some = Client.objects.filter(pk__in=[ClientFactory().pk])
    assert "IN (SELECT" in str(some.narrow(rows).query)
