"""The leads page, the Leads tab, a lead's page and the API list read a fixed number of
queries whether there are 10 leads or 5,000 (and however long a lead's history is)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests.factories import AdCampaignFactory, ClientFactory
from leads import services
from leads.models import Lead, LeadStatus, LeadType
from leads.tests.factories import LostReasonFactory, status_named
from leads.tests.helpers import HX, LEADS

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 5_000
MAX_QUERIES = 20


def leads_of_size(size: int, *, boss, specialist) -> dict:
    """A client with ``size`` leads: most written in bulk (both employees, every type and
    open status, some urgent and overdue, some for other contacts), and three newer ones
    made through the services, with a history as long as the size allows: one converted
    into an order, one into an estimate, one lost."""
    client = ClientFactory()
    people = [boss, specialist]
    types = list(LeadType.objects.all())
    statuses = list(LeadStatus.objects.filter(group="open"))
    source = AdCampaignFactory()
    now = timezone.now()
    Lead.objects.bulk_create(
        Lead(
            number=f"BULK-{client.pk}-{i}",
            client=client if i % 3 else None,
            contact_name=f"Contact {i}",
            search_name=f"contact {i}",
            contact_phone=f"+551198{i:07d}",
            lead_type=types[i % len(types)],
            status=statuses[i % len(statuses)],
            manager=people[i % 2],
            urgent=i % 4 == 0,
            deadline=now - timedelta(days=1) if i % 5 == 0 else None,
            ad_campaign=source if i % 2 else None,
            created_by=boss,
            created_at=now - timedelta(minutes=size - i),
        )
        for i in range(size - 3)
    )
    made = [
        services.lead_create(actor=boss, client=client, manager=people[i % 2]) for i in range(3)
    ]
    history = min(size, 40)
    moves = [status_named("In work"), status_named("New")]
    for i in range(history):
        services.lead_status_set(actor=people[i % 2], lead=made[0], status=moves[i % 2])
    order_lead, estimate_lead, lost_lead = made
    services.lead_convert(actor=boss, lead=order_lead, to="order")
    services.lead_convert(actor=boss, lead=estimate_lead, to="estimate")
    services.lead_mark_lost(actor=boss, lead=lost_lead, reason=LostReasonFactory(), comment="x")
    assert Lead.objects.filter(client=client).count() >= size * 2 // 3
    return {"client": client, "lead": order_lead}


def count_queries(http, path: str, expected: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    assert expected in response.content.decode(), (path, expected)
    return len(captured.captured_queries)


@pytest.fixture
def counts(client, manager, specialist):
    client.force_login(manager)
    own = Browser()
    own.force_login(specialist)
    api = Browser()
    api.force_login(manager)

    def measure(size: int) -> dict[str, int]:
        data = leads_of_size(size, boss=manager, specialist=specialist)
        shop_client, lead = data["client"], data["lead"]
        lead.refresh_from_db()
        tab = f"/clients/{shop_client.pk}/leads/"
        row = "data-lead="
        return {
            "leads page": count_queries(client, "/leads/", row),
            "leads page htmx": count_queries(client, "/leads/", row, **HX),
            "leads page filtered": count_queries(
                client, "/leads/?status_group=open&urgent=true&overdue=true", row, **HX
            ),
            "leads page searched": count_queries(client, "/leads/?search=contact", row, **HX),
            "leads page 2": count_queries(client, "/leads/?page=2", row, **HX),
            "leads page, only mine": count_queries(own, "/leads/", row),
            "tab": count_queries(client, tab, row),
            "tab htmx": count_queries(client, tab, row, **HX),
            "tab list": count_queries(client, tab + "?part=list", row, **HX),
            "tab, only mine": count_queries(own, tab, row, **HX),
            "lead page": count_queries(client, f"/leads/{lead.pk}/", lead.order.number),
            "order dialog": count_queries(client, f"/orders/{lead.order_id}/", lead.number, **HX),
            "api list": count_queries(api, LEADS, '"results"'),
            "api list filtered": count_queries(
                api, f"{LEADS}?client={shop_client.pk}&status_group=won", '"results"'
            ),
            "api list, only mine": count_queries(own, LEADS, '"results"'),
            "api lead": count_queries(api, f"{LEADS}{lead.pk}/", lead.number),
        }

    return measure(SMALL), measure(LARGE)


def test_same_number_of_queries_with_few_and_many_leads(counts):
    small, large = counts
    assert small == large


def test_query_counts_are_small(counts):
    _, large = counts
    assert {name: n for name, n in large.items() if n > MAX_QUERIES} == {}
