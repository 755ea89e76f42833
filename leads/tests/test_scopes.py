"""Who sees which leads: ``Lead.objects.visible_to(employee)``, the one scope the leads page,
a lead's page and actions, the client's Leads tab and the API start from.

Admins and managers ("View all leads") see every lead; a specialist ("View only my leads")
sees the leads they manage, and nothing else anywhere: other leads are 404.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client as Browser

from clients.tests.factories import ClientFactory
from leads import services
from leads.models import Lead
from leads.tests.factories import LostReasonFactory, status_named
from leads.tests.helpers import HX, LEADS, api_url, employee_with, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(manager, specialist, make_employee):
    """For one client: a lead the specialist manages, one another specialist manages, one
    nobody manages; plus a contact-only lead of the specialist's."""
    other = make_employee("specialist")
    client = ClientFactory()
    own = services.lead_create(actor=manager, client=client, manager=specialist)
    foreign = services.lead_create(actor=manager, client=client, manager=other)
    unmanaged = services.lead_create(actor=manager, client=client, manager=None)
    own_contact = services.lead_create(
        actor=specialist, contact_name="Own Contact", contact_phone="+5511987650000"
    )
    return {
        "client": client,
        "own": {own, own_contact},
        "others": {foreign, unmanaged},
    }


def test_view_all_sees_every_lead_and_view_own_only_the_managed_ones(
    leads, admin, manager, specialist
):
    every = leads["own"] | leads["others"]
    assert set(Lead.objects.visible_to(admin)) == every
    assert set(Lead.objects.visible_to(manager)) == every
    assert set(Lead.objects.visible_to(specialist)) == leads["own"]


def test_nobody_else_sees_any_lead(leads, make_employee):
    inactive = make_employee("manager", is_active=False)
    clerk = employee_with("clients.view", "leads.edit")
    for employee in (None, AnonymousUser(), inactive, clerk):
        assert not Lead.objects.visible_to(employee).exists()


def _browser(employee) -> Browser:
    browser = Browser()
    browser.force_login(employee)
    return browser


def test_the_leads_page_shows_only_the_employees_leads(leads, specialist):
    html = _browser(specialist).get("/leads/").content.decode()
    for lead in leads["own"]:
        assert f'data-lead="{lead.number}"' in html
    for lead in leads["others"]:
        assert f'data-lead="{lead.number}"' not in html
    # The manager filter is not offered to someone who only sees their own.
    assert 'name="manager"' not in html


def test_filters_cannot_widen_the_scope(leads, specialist):
    other = next(lead for lead in leads["others"] if lead.manager_id)
    http = _browser(specialist)
    html = http.get(f"/leads/?manager={other.manager_id}&search={other.number}").content.decode()
    assert f'data-lead="{other.number}"' not in html
    body = _browser(specialist)
    api = body.get(f"{LEADS}?manager={other.manager_id}").json()
    assert api["count"] == 0


def test_the_tab_shows_only_the_employees_leads(leads, specialist):
    client = leads["client"]
    http = _browser(specialist)
    for response in (
        http.get(f"/clients/{client.pk}/leads/"),
        http.get(f"/clients/{client.pk}/leads/", **HX),
        http.get(f"/clients/{client.pk}/leads/?part=list", **HX),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        own_of_client = [lead for lead in leads["own"] if lead.client_id == client.pk]
        for lead in own_of_client:
            assert f'data-lead="{lead.number}"' in html
        for lead in leads["others"]:
            assert f'data-lead="{lead.number}"' not in html


def test_the_tab_badge_counts_only_the_leads_the_employee_sees(leads, specialist, manager):
    client = leads["client"]

    def badge(employee) -> str:
        html = _browser(employee).get(f"/clients/{client.pk}/").content.decode()
        tab = html[html.index(f'href="/clients/{client.pk}/leads/"') :]
        return tab[: tab.index("</a>")]

    assert '<span class="badge badge-count">1</span>' in badge(specialist)
    assert '<span class="badge badge-count">3</span>' in badge(manager)


def test_the_api_lists_only_the_employees_leads(leads, specialist, api_as):
    body = api_as(specialist).get(LEADS).json()
    assert {row["number"] for row in body["results"]} == {lead.number for lead in leads["own"]}
    client = leads["client"]
    body = api_as(specialist).get(f"{LEADS}?client={client.pk}").json()
    assert body["count"] == 1


def test_other_leads_are_404_everywhere(leads, specialist, api_as):
    http = _browser(specialist)
    api = api_as(specialist)
    reason = LostReasonFactory()
    before = snapshot()
    for lead in leads["others"]:
        assert http.get(f"/leads/{lead.pk}/").status_code == 404
        for action, data in [
            ("edit", {"contact_name": "x", "lead_type": lead.lead_type_id}),
            ("status", {"status": status_named("In work").pk}),
            ("convert", {"to": "order"}),
            ("lost", {"lost-reason": reason.pk}),
        ]:
            assert http.post(f"/leads/{lead.pk}/{action}/", data).status_code == 404, action
        assert api.get(api_url(lead.pk)).status_code == 404
        assert api.patch(api_url(lead.pk), {"urgent": True}, format="json").status_code == 404
        assert (
            api.post(
                api_url(lead.pk, "status"), {"status": status_named("In work").pk}, format="json"
            ).status_code
            == 404
        )
        assert api.post(api_url(lead.pk, "convert"), {"to": "order"}).status_code == 404
        assert api.post(api_url(lead.pk, "lost"), {"reason": reason.pk}).status_code == 404
    assert snapshot() == before


def test_own_leads_open_everywhere(leads, specialist, api_as):
    http = _browser(specialist)
    for lead in leads["own"]:
        assert http.get(f"/leads/{lead.pk}/").status_code == 200
        assert api_as(specialist).get(api_url(lead.pk)).status_code == 200


def test_handing_a_lead_to_someone_else_takes_it_out_of_sight(leads, specialist, manager):
    lead = next(iter(sorted(leads["own"], key=lambda lead: lead.pk)))
    http = _browser(specialist)
    data = {"lead_type": lead.lead_type_id, "manager": manager.pk}
    if not lead.client_id:
        data |= {"contact_name": lead.contact_name, "contact_phone": lead.contact_phone}
    response = http.post(f"/leads/{lead.pk}/edit/", data)
    assert response.status_code == 302 and response.url == "/leads/"
    assert http.get(f"/leads/{lead.pk}/").status_code == 404
    lead.refresh_from_db()
    assert lead.manager == manager
