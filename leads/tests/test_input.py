"""Bad input to the lead pages and endpoints: empty, huge, wrong types, ids that do not
exist or are not the employee's. Each is answered with the reason and writes nothing;
whatever HTML a user typed is shown escaped."""

import pytest

from clients.tests.factories import ClientFactory
from leads import services
from leads.models import Lead
from leads.tests.factories import LeadStatusFactory, LostReasonFactory, builtin_type, status_named
from leads.tests.helpers import HX, LEADS, api_url, messages, snapshot

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><b>bold</b>'
PHONE = "+5511987654321"


@pytest.fixture
def lead(manager):
    return services.lead_create(actor=manager, contact_name="Ana", contact_phone=PHONE)


@pytest.fixture
def http(client, manager):
    client.force_login(manager)
    return client


def form(**fields) -> dict:
    data = {"contact_name": "Ana", "contact_phone": PHONE, "lead_type": "TYPE"}
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        (form(contact_phone=""), "This field is required."),
        (form(contact_phone="123"), "is not a valid phone number"),
        (form(contact_phone="9" * 41), "at most 40 characters"),
        (form(contact_name="x" * 201), "at most 200 characters"),
        (form(description="x" * 5001), "at most 5000 characters"),
        (form(lead_type="abc"), "Select a valid choice"),
        (form(lead_type="999999"), "Select a valid choice"),
        (form(manager="nobody"), "Select a valid choice"),
        (form(deadline="tomorrow"), "Enter a valid date/time."),
        (form(ad_campaign="999999"), "Select a valid choice"),
    ],
)
def test_the_new_lead_page_refuses_bad_input(http, data, message):
    data = {key: builtin_type().pk if value == "TYPE" else value for key, value in data.items()}
    before = snapshot()
    response = http.post("/leads/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_inactive_type_is_not_offered_nor_accepted(http):
    old = builtin_type("missed_call")
    old.active = False
    old.save()
    page = http.get("/leads/new/").content.decode()
    assert f'value="{old.pk}"' not in page
    before = snapshot()
    response = http.post("/leads/new/", {**form(), "lead_type": old.pk})
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_the_tabs_new_lead_form_refuses_bad_input(http):
    client = ClientFactory()
    before = snapshot()
    response = http.post(
        f"/clients/{client.pk}/leads/new/", {"lead_type": "x", "deadline": "x"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="lead-form' in html and "<html" not in html  # the form alone, for htmx
    assert "Select a valid choice" in html and "Enter a valid date/time." in html
    assert snapshot() == before
    # Without htmx: the whole profile, with the form in the Leads tab.
    response = http.post(f"/clients/{client.pk}/leads/new/", {"lead_type": "x"})
    html = response.content.decode()
    assert "<html" in html and 'id="profile-tabs"' in html and "Select a valid choice" in html
    assert snapshot() == before


def test_ids_that_do_not_exist_are_404(http, lead):
    for path in (
        "/leads/999999/",
        "/clients/999999/leads/new/",
        "/clients/999999/leads/",
        "/settings/leads/types/999999/",
    ):
        assert http.get(path).status_code in (403, 404), path
    before = snapshot()
    for action in ("edit", "status", "convert", "lost"):
        assert http.post(f"/leads/999999/{action}/", {"to": "order"}).status_code == 404
    assert http.get("/leads/abc/").status_code == 404
    assert http.get("/settings/leads/colours/new/").status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("status", {}, "This field is required."),
        ("status", {"status": "abc"}, "Select a valid choice"),
        ("status", {"status": "999999"}, "Select a valid choice"),
        ("status", {"status": "won"}, "Select a valid choice"),
        ("status", {"status": "IN_WORK", "comment": "x" * 501}, "at most 500 characters"),
        ("lost", {}, "This field is required."),
        ("lost", {"lost-reason": "999999"}, "Select a valid choice"),
        ("lost", {"lost-reason": "REASON", "lost-comment": "x" * 501}, "at most 500 characters"),
        ("convert", {}, "This field is required."),
        ("convert", {"to": "sale"}, "Select a valid choice"),
        ("edit", {"lead_type": "TYPE", "contact_phone": ""}, "This field is required."),
        ("edit", {"lead_type": "TYPE", "contact_phone": "abc"}, "not a valid phone number"),
    ],
)
def test_lead_actions_refuse_bad_input(http, lead, action, data, message):
    placeholders = {
        "IN_WORK": str(status_named("In work").pk),
        "REASON": str(LostReasonFactory().pk),
        "TYPE": str(builtin_type().pk),
    }
    data = {key: placeholders.get(value, value) for key, value in data.items()}
    before = snapshot()
    response = http.post(f"/leads/{lead.pk}/{action}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[:3000]
    assert snapshot() == before


def test_winning_and_losing_are_not_offered_as_status_moves(http, lead):
    page = http.get(f"/leads/{lead.pk}/").content.decode()
    form = page[page.index('name="status"') :]
    form = form[: form.index("</select>")]
    assert "In work" in form and "Won" not in form and "Lost" not in form
    before = snapshot()
    for name in ("Won", "Lost"):
        response = http.post(f"/leads/{lead.pk}/status/", {"status": status_named(name).pk})
        assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_converting_twice_on_the_page_says_why(http, lead):
    assert http.post(f"/leads/{lead.pk}/convert/", {"to": "order"}).status_code == 302
    before = snapshot()
    response = http.post(f"/leads/{lead.pk}/convert/", {"to": "estimate"})
    lead.refresh_from_db()
    assert f"was already converted into {lead.order.number}" in response.content.decode()
    assert snapshot() == before


def test_typed_html_is_shown_escaped_everywhere(http, manager):
    client = ClientFactory(first_name=SCRIPT)
    reason = LostReasonFactory(name=SCRIPT)
    LeadStatusFactory(name=SCRIPT)
    typed = services.lead_create(
        actor=manager, client=client, contact_name=SCRIPT, description=SCRIPT
    )
    services.lead_mark_lost(actor=manager, lead=typed, reason=reason, comment=SCRIPT)
    other = services.lead_create(actor=manager, contact_name=SCRIPT, contact_phone=PHONE)
    for path in (
        "/leads/",
        f"/leads/?search={SCRIPT}",
        f"/leads/{typed.pk}/",
        f"/leads/{other.pk}/",
        f"/clients/{client.pk}/leads/",
    ):
        html = http.get(path).content.decode()
        assert "<script>alert" not in html and "<b>bold</b>" not in html, path
    html = http.get(f"/leads/{typed.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_leads_page_ignores_bad_filters(http, lead):
    for query in (
        "status_group=nope",
        "type=abc",
        "manager=x",
        "overdue=maybe",
        "page=999",
        "page=abc",
        f"search={'x' * 500}",
    ):
        response = http.get(f"/leads/?{query}")
        assert response.status_code == 200, query


def test_settings_refuse_bad_input(admin, client):
    client.force_login(admin)
    before = snapshot()
    for kind, data, message in [
        ("types", {"name": "", "position": 0}, "This field is required."),
        ("types", {"name": "x" * 65, "position": 0}, "at most 64 characters"),
        ("types", {"name": "ok", "position": 1000}, "less than or equal to 999"),
        ("statuses", {"name": "ok", "group": "won", "color": "red"}, "colour in hex"),
        ("statuses", {"name": "ok", "group": "nope", "color": "#000000"}, "Select a valid"),
        ("lost-reasons", {"name": "x" * 101, "position": 0}, "at most 100 characters"),
        ("lost-reasons", {"name": "ok", "position": "abc"}, "Enter a whole number."),
    ]:
        data.setdefault("position", 0)
        response = client.post(f"/settings/leads/{kind}/new/", data)
        assert response.status_code == 200
        assert message in response.content.decode(), (kind, data)
    assert snapshot() == before


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "contact_phone"),
        ({"contact_name": "Ana"}, "contact_phone"),
        ({"contact_phone": "123"}, "contact_phone"),
        ({"contact_phone": "9" * 41}, "contact_phone"),
        ({"contact_phone": PHONE, "contact_name": "x" * 201}, "contact_name"),
        ({"contact_phone": PHONE, "description": "x" * 5001}, "description"),
        ({"contact_phone": PHONE, "urgent": "maybe"}, "urgent"),
        ({"contact_phone": PHONE, "deadline": "tomorrow"}, "deadline"),
        ({"contact_phone": PHONE, "type": "abc"}, "type"),
        ({"contact_phone": PHONE, "type": 999999}, "type"),
        ({"contact_phone": PHONE, "type": None}, "type"),
        ({"contact_phone": PHONE, "manager": "x"}, "manager"),
        ({"contact_phone": PHONE, "ad_campaign": 999999}, "ad_campaign"),
        ({"contact_phone": PHONE, "status": 999999}, "status"),
        ({"contact_phone": PHONE, "status": "WON"}, "status"),
        ({"client": 999999}, "client"),
        ({"client": "abc"}, "client"),
        ({"client": [1]}, "client"),
        ({"contact_phone": ["+5511987654321"]}, "contact_phone"),
        ({"contact_phone": PHONE, "colour": "red"}, "colour"),
        ({"contact_phone": PHONE, "number": "L-999"}, "number"),
    ],
)
def test_the_api_refuses_bad_new_leads(manager, api_as, body, field):
    if body.get("status") == "WON":
        body["status"] = status_named("Won").pk
    before = snapshot()
    response = api_as(manager).post(LEADS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot() == before


def test_the_api_refuses_a_body_that_is_not_an_object(manager, api_as):
    before = snapshot()
    for body in ([], "text", 5):
        response = api_as(manager).post(LEADS, body, format="json")
        assert response.status_code == 400
    assert snapshot() == before


def test_the_api_refuses_clients_the_employee_may_not_see(api_as):
    from leads.tests.helpers import employee_with

    lonely = employee_with("leads.view_all", "leads.edit")  # no "View clients"
    client = ClientFactory()
    before = snapshot()
    response = api_as(lonely).post(LEADS, {"client": client.pk}, format="json")
    assert response.status_code == 400 and "client" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("", {"colour": "red"}, "colour"),
        ("", {"contact_phone": ""}, "contact_phone"),
        ("", {"urgent": None}, "urgent"),
        ("status", {}, "status"),
        ("status", {"status": "abc"}, "status"),
        ("status", {"status": "WON"}, "status"),
        ("lost", {}, "reason"),
        ("lost", {"reason": 999999}, "reason"),
        ("lost", {"reason": "REASON", "status": "IN_WORK"}, "status"),
        ("convert", {}, "to"),
        ("convert", {"to": "sale"}, "to"),
        ("convert", {"to": "order", "extra": 1}, "extra"),
    ],
)
def test_the_api_refuses_bad_changes(manager, api_as, lead, action, body, field):
    placeholders = {
        "WON": status_named("Won").pk,
        "IN_WORK": status_named("In work").pk,
        "REASON": LostReasonFactory().pk,
    }
    body = {key: placeholders.get(value, value) for key, value in body.items()}
    before = snapshot()
    http = api_as(manager)
    if action:
        response = http.post(api_url(lead.pk, action), body, format="json")
    else:
        response = http.patch(api_url(lead.pk), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot() == before


def test_the_api_converting_twice_says_why(manager, api_as, lead):
    http = api_as(manager)
    assert http.post(api_url(lead.pk, "convert"), {"to": "order"}).status_code == 201
    before = snapshot()
    response = http.post(api_url(lead.pk, "convert"), {"to": "estimate"})
    assert response.status_code == 400
    assert "already converted" in messages(response.json())
    assert snapshot() == before


def test_the_api_refuses_bad_filters(manager, api_as, lead):
    http = api_as(manager)
    for query in ("status_group=nope", "type=abc", "client=x", "manager=x"):
        assert http.get(f"{LEADS}?{query}").status_code == 400, query
    assert http.get(f"{LEADS}?urgent=maybe").json()["count"] == 1  # not a yes or no: ignored
    assert http.get(f"{LEADS}?page=999").status_code == 404
    body = http.get(f"{LEADS}?page_size=100000").json()
    assert body["count"] == Lead.objects.count()


def test_the_api_does_not_delete_or_put(manager, api_as, lead):
    http = api_as(manager)
    before = snapshot()
    assert http.delete(api_url(lead.pk)).status_code == 405
    assert http.put(api_url(lead.pk), {"urgent": True}, format="json").status_code == 405
    assert snapshot() == before
