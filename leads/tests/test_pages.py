"""The lead pages: the leads page (filters, search, pages), "+ Lead" there and on a client's
Leads tab, a lead's page and its actions, the order dialog's link back to its lead, and the
navigation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.tests.factories import ClientFactory, ClientPhoneFactory
from documents.models import Estimate, Order
from leads import services
from leads.models import Lead
from leads.tests.factories import LeadFactory, LostReasonFactory, builtin_type, status_named
from leads.tests.helpers import HX

pytestmark = pytest.mark.django_db

PHONE = "+5511987654321"


@pytest.fixture
def http(client, manager):
    client.force_login(manager)
    return client


def rows(html: str) -> int:
    return html.count("data-lead=")


# --- the leads page --------------------------------------------------------------------------


def test_the_leads_page_lists_newest_first_with_what_a_row_shows(http, manager, specialist):
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    first = services.lead_create(
        actor=manager, contact_name="Ana Souza", contact_phone=PHONE, urgent=True
    )
    second = services.lead_create(actor=manager, client=client, manager=specialist)
    services.lead_convert(actor=manager, lead=second, to="order")
    html = http.get("/leads/").content.decode()
    assert html.index(second.number) < html.index(first.number)
    assert "Ana Souza" in html and "(11) 98765-4321" in html and "Urgent" in html
    assert "Beatriz Nogueira" in html and str(specialist) in html
    second.refresh_from_db()
    assert f'href="/orders/{second.order_id}/"' in html and second.order.number in html
    assert "2 leads" in html


def test_the_leads_page_filters(http, manager, specialist):
    open_lead = services.lead_create(
        actor=manager, contact_phone=PHONE, deadline=timezone.now() - timedelta(hours=1)
    )
    urgent = services.lead_create(
        actor=manager, contact_phone=PHONE, urgent=True, manager=specialist
    )
    missed = services.lead_create(
        actor=manager, contact_phone=PHONE, lead_type=builtin_type("missed_call")
    )
    lost = services.lead_create(actor=manager, contact_phone=PHONE)
    services.lead_mark_lost(actor=manager, lead=lost, reason=LostReasonFactory())

    def shown(query: str) -> set[str]:
        html = http.get(f"/leads/?{query}", **HX).content.decode()
        return {lead.number for lead in (open_lead, urgent, missed, lost) if lead.number in html}

    assert shown("status_group=lost") == {lost.number}
    assert shown("status_group=open") == {open_lead.number, urgent.number, missed.number}
    assert shown(f"type={builtin_type('missed_call').pk}") == {missed.number}
    assert shown(f"manager={specialist.pk}") == {urgent.number}
    assert shown("overdue=true") == {open_lead.number}
    assert shown("urgent=true") == {urgent.number}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("joão", {"joao"}),
        ("JOAO GONC", {"joao"}),
        ("98765-4321", {"joao"}),
        ("+55 11 98765-4321", {"joao"}),
        ("4321", {"joao"}),
        ("L-000002", {"client"}),
        ("000002", {"client"}),
        ("beatriz", {"client"}),
        ("nobody", set()),
    ],
)
def test_the_leads_page_searches_number_contact_and_client(http, manager, query, found):
    joao = services.lead_create(actor=manager, contact_name="João Gonçalves", contact_phone=PHONE)
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    ClientPhoneFactory(client=client, number="+5521988887777")
    of_client = services.lead_create(actor=manager, client=client)
    leads = {"joao": joao, "client": of_client}
    html = http.get("/leads/", {"search": query}, **HX).content.decode()
    assert {name for name, lead in leads.items() if f'data-lead="{lead.number}"' in html} == found


def test_a_client_is_found_by_its_own_phone(http, manager):
    client = ClientPhoneFactory(number="+5521988887777").client
    lead = services.lead_create(actor=manager, client=client)
    html = http.get("/leads/", {"search": "(21) 98888-7777"}, **HX).content.decode()
    assert f'data-lead="{lead.number}"' in html


def test_the_leads_page_is_paginated(http):
    for _ in range(30):
        LeadFactory()
    first = http.get("/leads/").content.decode()
    assert rows(first) == 25 and "Page 1 of 2" in first
    second = http.get("/leads/?page=2", **HX).content.decode()
    assert rows(second) == 5 and "<html" not in second


def test_the_leads_page_is_whole_without_htmx(http):
    html = http.get("/leads/").content.decode()
    assert "<html" in html and 'id="lead-filters"' in html and "+ Lead" in html


# --- "+ Lead" --------------------------------------------------------------------------------


def test_new_lead_on_the_leads_page(http, manager):
    page = http.get("/leads/new/").content.decode()
    assert 'name="contact_phone"' in page and 'type="datetime-local"' in page
    response = http.post(
        "/leads/new/",
        {
            "contact_name": "Ana",
            "contact_phone": "(11) 98765-4321",
            "lead_type": builtin_type().pk,
            "manager": manager.pk,
            "deadline": "2030-05-06T14:30",
            "description": "Screen",
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url == f"/leads/{lead.pk}/"
    assert lead.contact_phone == PHONE and lead.manager == manager
    assert timezone.localtime(lead.deadline).strftime("%Y-%m-%d %H:%M") == "2030-05-06 14:30"
    assert "Lead L-000001 created." in http.get(response.url).content.decode()


def test_new_lead_from_the_clients_tab_with_htmx(http, manager):
    client = ClientFactory()
    tab = http.get(f"/clients/{client.pk}/leads/", **HX).content.decode()
    assert f'hx-get="/clients/{client.pk}/leads/new/"' in tab and "No leads yet." in tab
    form = http.get(f"/clients/{client.pk}/leads/new/", **HX).content.decode()
    assert "<html" not in form and 'class="lead-form' in form
    # The client is known: its name is shown, no contact name or phone is asked.
    assert 'name="contact_phone"' not in form and 'name="contact_name"' not in form
    assert client.display_name in form
    response = http.post(
        f"/clients/{client.pk}/leads/new/",
        {
            "lead_type": builtin_type().pk,
            "manager": manager.pk,
            "description": "Battery",
            "contact_name": "Someone else",  # not a field of this form: ignored
        },
        **HX,
    )
    lead = Lead.objects.get()
    assert response.status_code == 200
    # Back to the Leads tab (the whole tab, with its count in the tab strip), not the lead.
    assert "HX-Redirect" not in response.headers
    assert response.headers["HX-Retarget"] == "#tab-content"
    tab = response.content.decode()
    assert f'href="/leads/{lead.pk}/"' in tab and "New" in tab
    assert 'id="profile-tabs" hx-swap-oob="true"' in tab
    assert "Lead L-000001 created." in response.headers["HX-Trigger-After-Settle"]
    assert lead.client == client and lead.contact_phone == "" and lead.contact_name == ""
    assert lead.description == "Battery"


def test_new_lead_from_the_clients_tab_without_htmx(http, manager):
    client = ClientFactory()
    page = http.get(f"/clients/{client.pk}/leads/new/").content.decode()
    assert "<html" in page and 'id="profile-tabs"' in page and 'class="lead-form' in page
    response = http.post(
        f"/clients/{client.pk}/leads/new/",
        {"lead_type": builtin_type().pk, "manager": manager.pk},
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url == f"/clients/{client.pk}/leads/"
    tab = http.get(response.url).content.decode()
    assert "Lead L-000001 created." in tab and f'href="/leads/{lead.pk}/"' in tab


def test_the_tab_badge_counts_the_clients_leads(http, manager):
    client = ClientFactory()
    for _ in range(3):
        services.lead_create(actor=manager, client=client)
    html = http.get(f"/clients/{client.pk}/").content.decode()
    tab = html[html.index(f'href="/clients/{client.pk}/leads/"') :]
    assert '<span class="badge badge-count">3</span>' in tab[: tab.index("</a>")]


def test_the_tab_is_paginated(http, manager):
    client = ClientFactory()
    for _ in range(27):
        LeadFactory(client=client)
    html = http.get(f"/clients/{client.pk}/leads/?page=2", **HX).content.decode()
    assert rows(html) == 2 and "Page 2 of 2" in html


# --- a lead's page ---------------------------------------------------------------------------


def test_a_leads_page_shows_its_facts_actions_and_history(http, manager):
    lead = services.lead_create(
        actor=manager,
        contact_name="Ana Souza",
        contact_phone=PHONE,
        description="Cracked screen",
        urgent=True,
        deadline=timezone.now() - timedelta(hours=2),
    )
    html = http.get(f"/leads/{lead.pk}/").content.decode()
    assert f"Lead {lead.number}" in html
    for text in ("Ana Souza", "(11) 98765-4321", "Cracked screen", "Urgent", "Overdue", "New"):
        assert text in html, text
    for text in ("Convert to order", "Convert to estimate", "Change status", "Mark lost", "Edit"):
        assert text in html, text
    assert html.count('class="history"') == 1


def test_a_viewer_sees_no_actions(client, manager):
    from leads.tests.helpers import employee_with

    viewer = employee_with("leads.view_all", "clients.view")
    lead = services.lead_create(actor=manager, contact_phone=PHONE)
    client.force_login(viewer)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    for text in ("Convert to order", "Change status", "Mark lost", "summary class"):
        assert text not in html, text
    assert "+ Lead" not in client.get("/leads/").content.decode()


def test_converting_on_the_page_shows_the_order_on_the_lead_and_the_tab(http, manager):
    client = ClientFactory()
    lead = services.lead_create(actor=manager, client=client)
    response = http.post(f"/leads/{lead.pk}/convert/", {"to": "order"})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/leads/{lead.pk}/"
    html = http.get(response.url).content.decode()
    assert f"Lead {lead.number} converted into {order.number}." in html
    assert "created the client" not in html  # the lead had its client already
    assert f'href="/orders/{order.pk}/"' in html and "Won" in html
    assert "(Won)" not in html  # the status is named like its group: said once
    assert "Convert to order" not in html and "Mark lost" not in html
    tab = http.get(f"/clients/{client.pk}/leads/", **HX).content.decode()
    assert order.number in tab
    dialog = http.get(f"/orders/{order.pk}/", **HX).content.decode()
    assert f'href="/leads/{lead.pk}/"' in dialog and lead.number in dialog


def test_converting_into_an_estimate_on_the_page(http, manager):
    lead = services.lead_create(actor=manager, contact_name="New Person", contact_phone=PHONE)
    http.post(f"/leads/{lead.pk}/convert/", {"to": "estimate"})
    estimate = Estimate.objects.get()
    lead.refresh_from_db()
    assert lead.estimate == estimate and estimate.client.display_name == "New Person"
    html = http.get(f"/leads/{lead.pk}/").content.decode()
    assert f'href="/estimates/{estimate.pk}/"' in html


def test_converting_a_contact_says_when_it_created_the_client(http, manager):
    lead = services.lead_create(actor=manager, contact_name="Renato Prado", contact_phone=PHONE)
    response = http.post(f"/leads/{lead.pk}/convert/", {"to": "order"}, follow=True)
    order = Order.objects.get()
    assert order.client.display_name == "Renato Prado"
    assert (
        f"Lead {lead.number} converted into {order.number} and created the client Renato Prado."
        in response.content.decode()
    )


def test_converting_a_contact_found_by_phone_creates_no_client(http, manager):
    known = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    ClientPhoneFactory(client=known, number=PHONE)
    lead = services.lead_create(actor=manager, contact_name="Bia", contact_phone=PHONE)
    response = http.post(f"/leads/{lead.pk}/convert/", {"to": "order"}, follow=True)
    order = Order.objects.get()
    assert order.client == known
    html = response.content.decode()
    assert f"Lead {lead.number} converted into {order.number}." in html
    assert "created the client" not in html


def test_a_status_named_unlike_its_group_shows_the_group_too(http, manager):
    lead = services.lead_create(actor=manager, contact_phone=PHONE, contact_name="Ana")
    services.lead_status_set(actor=manager, lead=lead, status=status_named("In work"))
    html = http.get(f"/leads/{lead.pk}/").content.decode()
    assert "In work" in html and "(Open)" in html


def test_status_edit_and_lost_on_the_page(http, manager, specialist):
    lead = services.lead_create(actor=manager, contact_phone=PHONE, contact_name="Ana")
    in_work = status_named("In work")
    response = http.post(f"/leads/{lead.pk}/status/", {"status": in_work.pk, "comment": "Hi"})
    assert response.status_code == 302
    response = http.post(
        f"/leads/{lead.pk}/edit/",
        {
            "contact_name": "Ana Maria",
            "contact_phone": PHONE,
            "lead_type": builtin_type().pk,
            "manager": specialist.pk,
            "urgent": "on",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.contact_name, lead.manager, lead.urgent) == (
        in_work,
        "Ana Maria",
        specialist,
        True,
    )
    reason = LostReasonFactory(name="Went elsewhere")
    response = http.post(
        f"/leads/{lead.pk}/lost/", {"lost-reason": reason.pk, "lost-comment": "Sad"}
    )
    assert response.status_code == 302
    html = http.get(f"/leads/{lead.pk}/").content.decode()
    assert "Went elsewhere" in html and "Sad" in html and "Hi" in html
    assert "Convert to order" not in html  # reopen it first
    lead.refresh_from_db()
    assert lead.lost_reason == reason and lead.status == status_named("Lost")


def test_a_refused_form_comes_back_open(http, manager):
    lead = services.lead_create(actor=manager, contact_phone=PHONE)
    html = http.post(f"/leads/{lead.pk}/lost/", {}).content.decode()
    assert '<details class="action" open>' in html
    assert html.count(" open>") == 1


# --- what leads plug into other apps ---------------------------------------------------------


def test_a_client_with_leads_is_archived_not_deleted(manager):
    client = ClientFactory()
    services.lead_create(actor=manager, client=client)
    with pytest.raises(client_services.ClientDeleteRefused):
        client_services.client_delete(actor=manager, client=client)


def test_navigation_links(client, admin, specialist):
    from leads.tests.helpers import employee_with

    client.force_login(admin)
    html = client.get("/leads/").content.decode()
    assert 'href="/leads/"' in html and 'href="/settings/"' in html
    assert 'href="/settings/leads/"' in client.get("/settings/").content.decode()
    client.force_login(specialist)
    html = client.get("/leads/").content.decode()
    assert 'href="/leads/"' in html and 'href="/settings/"' not in html
    client.force_login(employee_with("clients.view"))
    html = client.get("/clients/").content.decode()
    assert 'href="/leads/"' not in html
