"""``/api/v1/leads/``: the contract of API.md (``id, number, client, type, status,
status_group, result, created_at``; filter ``client``), the other filters, writes and the
``convert`` answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients.tests.factories import AdCampaignFactory, ClientFactory, ClientPhoneFactory
from documents.models import Estimate, Order
from leads import services
from leads.models import Lead, LeadType
from leads.tests.factories import LostReasonFactory, builtin_type, status_named
from leads.tests.helpers import LEADS, api_url

pytestmark = pytest.mark.django_db

PHONE = "+5511987654321"
CONTRACT = {"id", "number", "client", "type", "status", "status_group", "result", "created_at"}


@pytest.fixture
def http(manager, api_as):
    return api_as(manager)


def test_a_lead_is_created_for_a_contact_and_read_back(http, manager, specialist):
    source = AdCampaignFactory()
    deadline = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    response = http.post(
        LEADS,
        {
            "contact_name": "Ana Souza",
            "contact_phone": "(11) 98765-4321",
            "description": "Screen",
            "manager": specialist.pk,
            "deadline": deadline.isoformat(),
            "ad_campaign": source.pk,
            "urgent": True,
            "type": builtin_type("missed_call").pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONTRACT
    lead = Lead.objects.get()
    assert body["id"] == lead.pk and body["number"] == "L-000001"
    assert body["client"] is None and body["contact_phone"] == PHONE
    assert body["type"] == builtin_type("missed_call").pk and body["type_code"] == "missed_call"
    assert body["status"] == status_named("New").pk and body["status_group"] == "open"
    assert body["result"] is None and body["result_type"] is None
    assert body["manager"] == specialist.pk and body["created_by"] == manager.pk
    assert body["urgent"] is True and body["ad_campaign"] == source.pk
    assert lead.deadline == deadline
    assert http.get(api_url(lead.pk)).json() == body


def test_a_lead_is_created_for_a_client_managed_by_whoever_creates_it(http, manager):
    client = ClientFactory()
    body = http.post(LEADS, {"client": client.pk}, format="json").json()
    assert body["client"] == client.pk and body["client_name"] == client.display_name
    assert body["manager"] == manager.pk and body["type_code"] == "lead"


def test_the_list_filters_by_client_and_the_rest(http, manager, specialist):
    client, other = ClientFactory(), ClientFactory()
    mine = services.lead_create(actor=manager, client=client, urgent=True)
    theirs = services.lead_create(actor=manager, client=other, manager=specialist)
    contact = services.lead_create(
        actor=manager,
        contact_phone=PHONE,
        lead_type=builtin_type("missed_call"),
        deadline=timezone.now() - timedelta(hours=1),
    )
    services.lead_mark_lost(actor=manager, lead=theirs, reason=LostReasonFactory())

    def numbers(query: str) -> set[str]:
        response = http.get(f"{LEADS}?{query}")
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["results"]}

    assert numbers(f"client={client.pk}") == {mine.number}
    assert numbers("status_group=lost") == {theirs.number}
    assert numbers("status_group=open") == {mine.number, contact.number}
    assert numbers(f"type={builtin_type('missed_call').pk}") == {contact.number}
    assert numbers(f"manager={specialist.pk}") == {theirs.number}
    assert numbers("urgent=true") == {mine.number}
    assert numbers("overdue=true") == {contact.number}
    assert numbers("search=98765-4321") == {contact.number}
    assert numbers(f"search={mine.number}") == {mine.number}
    body = http.get(f"{LEADS}?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_patch_changes_the_given_fields(http, specialist):
    lead = services.lead_create(actor=specialist, contact_phone=PHONE)
    custom = LeadType.objects.create(name="Walk-in")
    response = http.patch(
        api_url(lead.pk),
        {"contact_name": "Bia", "type": custom.pk, "urgent": True, "deadline": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["contact_name"], body["type"], body["urgent"]) == ("Bia", custom.pk, True)
    lead.refresh_from_db()
    assert lead.lead_type == custom and lead.manager == specialist


def test_status_and_lost_endpoints(http):
    lead = services.lead_create(actor=None, contact_phone=PHONE, contact_name="X")
    in_work = status_named("In work")
    body = http.post(
        api_url(lead.pk, "status"), {"status": in_work.pk, "comment": "Called"}, format="json"
    ).json()
    assert body["status"] == in_work.pk
    reason = LostReasonFactory(name="No answer at all")
    response = http.post(api_url(lead.pk, "lost"), {"reason": reason.pk}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status_group"] == "lost"
    assert body["result"] == "No answer at all" and body["result_type"] == "lost"
    assert body["lost_reason"] == reason.pk


def test_convert_into_an_order_answers_201_with_the_result_and_the_order(http, manager):
    client = ClientPhoneFactory(number=PHONE).client
    lead = services.lead_create(actor=manager, contact_phone="11 98765-4321", contact_name="A")
    response = http.post(api_url(lead.pk, "convert"), {"to": "order"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert body["order"] == order.pk and body["estimate"] is None
    assert body["result"] == order.number and body["result_type"] == "order"
    assert body["status_group"] == "won" and body["client"] == client.pk
    assert order.client == client


def test_convert_into_an_estimate(http, manager):
    lead = services.lead_create(actor=manager, client=ClientFactory())
    response = http.post(api_url(lead.pk, "convert"), {"to": "estimate"}, format="json")
    assert response.status_code == 201
    body = response.json()
    estimate = Estimate.objects.get()
    assert body["estimate"] == estimate.pk and body["order"] is None
    assert body["result"] == estimate.number and body["result_type"] == "estimate"
