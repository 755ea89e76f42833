"""The permission matrix of the lead pages and endpoints: each role by each endpoint, and a
denied request changes nothing.

- seeing leads: "View all leads" or "View only my leads" (else 403; the Leads tab is not
  there: 404);
- creating, editing, moving, losing: also "Create and edit leads";
- converting: also "Create and edit documents";
- the lead settings: "Manage settings".
"""

import pytest
from django.test import Client as Browser

from clients.tests.factories import ClientFactory
from leads import services
from leads.tests.factories import LostReasonFactory, status_named
from leads.tests.helpers import LEADS, api_url, employee_with, snapshot

pytestmark = pytest.mark.django_db

VIEWER = ("clients.view", "leads.view_all")
ROLES = {
    # name: permissions of a custom role, or a built-in role's code
    "admin": "admin",
    "manager": "manager",
    "specialist": "specialist",
    "no leads": ("clients.view", "clients.create", "documents.edit", "documents.view_all"),
    "viewer": VIEWER,
    "editor": (*VIEWER, "leads.edit", "clients.create"),
    "converter": (*VIEWER, "leads.edit", "documents.edit", "clients.create"),
    "edit, no view": ("clients.view", "clients.create", "leads.edit", "documents.edit"),
}
# What each role may do: see, edit, convert, settings.
MAY = {
    "admin": {"see", "edit", "convert", "settings"},
    "manager": {"see", "edit", "convert"},
    "specialist": {"see", "edit", "convert"},
    "no leads": set(),
    "viewer": {"see"},
    "editor": {"see", "edit"},
    "converter": {"see", "edit", "convert"},
    "edit, no view": set(),
}


@pytest.fixture
def world(make_employee):
    """A client, and one of the client's leads for each role to try (managed by the
    employee trying it, so "only my leads" sees it)."""
    boss = make_employee("admin")
    employees = {}
    for name, role in ROLES.items():
        employees[name] = make_employee(role) if isinstance(role, str) else employee_with(*role)
    client = ClientFactory()
    leads = {
        name: services.lead_create(actor=boss, client=client, manager=employee)
        for name, employee in employees.items()
    }
    return {"employees": employees, "client": client, "leads": leads}


def _http(employee) -> Browser:
    browser = Browser()
    browser.force_login(employee)
    return browser


def page_requests(lead, client, reason):
    """(needed, method, path, data): every page a lead employee may open or post to."""
    in_work = status_named("In work").pk
    edit = {"lead_type": lead.lead_type_id, "manager": lead.manager_id, "description": "x"}
    new = {"contact_name": "Ana", "contact_phone": "+5511987650000", "lead_type": 1}
    return [
        ("see", "get", "/leads/", None),
        ("see", "get", f"/leads/{lead.pk}/", None),
        ("see", "get", f"/clients/{client.pk}/leads/", None),
        ("edit", "get", "/leads/new/", None),
        ("edit", "post", "/leads/new/", new),
        ("edit", "get", f"/clients/{client.pk}/leads/new/", None),
        ("edit", "post", f"/clients/{client.pk}/leads/new/", {"lead_type": 1}),
        ("edit", "post", f"/leads/{lead.pk}/edit/", edit),
        ("edit", "post", f"/leads/{lead.pk}/status/", {"status": in_work}),
        ("edit", "post", f"/leads/{lead.pk}/lost/", {"lost-reason": reason.pk}),
        ("convert", "post", f"/leads/{lead.pk}/convert/", {"to": "order"}),
        ("settings", "get", "/settings/leads/", None),
        ("settings", "get", "/settings/leads/types/new/", None),
        ("settings", "post", "/settings/leads/types/new/", {"name": "Walk-in", "position": 1}),
        ("settings", "get", "/settings/leads/statuses/new/", None),
        ("settings", "get", "/settings/leads/lost-reasons/new/", None),
        ("settings", "post", "/settings/leads/lost-reasons/new/", {"name": "Far", "position": 1}),
    ]


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_refuse_what_the_role_does_not_grant_and_change_nothing(world, role):
    employee = world["employees"][role]
    lead, client = world["leads"][role], world["client"]
    http = _http(employee)
    reason = LostReasonFactory()
    may = MAY[role]
    for needed, method, path, data in page_requests(lead, client, reason):
        if needed in may:
            continue
        before = snapshot()
        response = getattr(http, method)(path, data or {})
        # The Leads tab is not in the profile of someone who may not see leads: 404.
        expected = 404 if path.endswith(f"/clients/{client.pk}/leads/") else 403
        assert response.status_code == expected, (role, method, path, response.status_code)
        assert snapshot() == before, (role, method, path)


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_allow_what_the_role_grants(world, role):
    employee = world["employees"][role]
    lead, client = world["leads"][role], world["client"]
    http = _http(employee)
    reason = LostReasonFactory()
    for needed, method, path, data in page_requests(lead, client, reason):
        if needed not in MAY[role] or path.endswith(("/lost/", "/status/")):
            continue  # converting wins the lead: losing and moving it are tried apart
        response = getattr(http, method)(path, data or {})
        assert response.status_code in (200, 302), (role, method, path, response.status_code)
        if method == "post":
            assert response.status_code == 302, (role, path, response.content.decode()[:500])


def test_anonymous_visitors_are_sent_to_sign_in(world):
    lead = world["leads"]["admin"]
    for path in ("/leads/", f"/leads/{lead.pk}/", "/settings/leads/", "/leads/new/"):
        response = Browser().get(path)
        assert response.status_code == 302 and "/login/" in response.url


def api_requests(lead, client, reason):
    in_work = status_named("In work").pk
    return [
        ("see", "get", LEADS, None),
        ("see", "get", f"{LEADS}?client={client.pk}", None),
        ("see", "get", api_url(lead.pk), None),
        ("edit", "post", LEADS, {"client": client.pk}),
        ("edit", "patch", api_url(lead.pk), {"urgent": True}),
        ("edit", "post", api_url(lead.pk, "status"), {"status": in_work}),
        ("edit", "post", api_url(lead.pk, "lost"), {"reason": reason.pk}),
        ("convert", "post", api_url(lead.pk, "convert"), {"to": "order"}),
    ]


@pytest.mark.parametrize("role", list(ROLES))
def test_the_api_refuses_what_the_role_does_not_grant_and_changes_nothing(world, role, api_as):
    employee = world["employees"][role]
    lead, client = world["leads"][role], world["client"]
    api = api_as(employee)
    reason = LostReasonFactory()
    for needed, method, path, data in api_requests(lead, client, reason):
        if needed in MAY[role]:
            continue
        before = snapshot()
        response = getattr(api, method)(path, data, format="json")
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert snapshot() == before, (role, method, path)


@pytest.mark.parametrize("role", list(ROLES))
def test_the_api_allows_what_the_role_grants(world, role, api_as):
    employee = world["employees"][role]
    lead, client = world["leads"][role], world["client"]
    api = api_as(employee)
    reason = LostReasonFactory()
    for needed, method, path, data in api_requests(lead, client, reason):
        if needed not in MAY[role] or path.endswith(("/lost/", "/status/")):
            continue
        response = getattr(api, method)(path, data, format="json")
        assert response.status_code in (200, 201), (role, method, path, response.content)


def test_an_employee_who_may_edit_but_not_see_leads_creates_none(world, api_as):
    employee = world["employees"]["edit, no view"]
    before = snapshot()
    response = api_as(employee).post(LEADS, {"client": world["client"].pk}, format="json")
    assert response.status_code == 403
    assert snapshot() == before


def test_the_api_needs_credentials(world, api_client):
    lead = world["leads"]["admin"]
    before = snapshot()
    assert api_client.get(LEADS).status_code == 401
    assert api_client.get(api_url(lead.pk)).status_code == 401
    assert api_client.post(LEADS, {"contact_phone": "+5511987650000"}).status_code == 401
    assert api_client.post(api_url(lead.pk, "convert"), {"to": "order"}).status_code == 401
    assert snapshot() == before


def test_an_inactive_employee_is_refused(world, api_as):
    employee = world["employees"]["manager"]
    api = api_as(employee)
    employee.is_active = False
    employee.save()
    assert api.get(LEADS).status_code in (401, 403)
