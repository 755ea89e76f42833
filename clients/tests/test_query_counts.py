"""Pages and endpoints read a fixed number of queries however many clients there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import AdCampaign, Client, ClientPhone, Tag
from core.text import fold

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 1_000
MAX_QUERIES = 18  # the profile: a badge per tab (Communications: calls, SMS, conversations)
HTMX = {"HTTP_HX_REQUEST": "true"}


def add_clients(count: int, *, manager, source, tags, start: int) -> None:
    """``count`` clients with two phones and two tags each, written in bulk.

    Numbers, tags and flags follow the client's index, not its id, so every search and
    filter below finds rows with 10 clients as with 1,000 (ids differ between databases).
    """
    indexes = range(start, start + count)
    clients = []
    for i in indexes:
        first, last = f"Cliente{i}", "Silva" if i % 2 else "Santos"
        display = f"{first} {last}"
        clients.append(
            Client(
                kind=Client.Kind.PERSON,
                first_name=first,
                last_name=last,
                display_name=display,
                search_name=fold(display),
                email=f"cliente{i}@example.com",
                manager=manager,
                marketing_source=source,
                conflicted=i % 7 == 0,
            )
        )
    created = Client.objects.bulk_create(clients)
    if created[0].pk is None:  # backends that do not return ids from bulk inserts
        created = list(Client.objects.order_by("id"))[-count:]
    ClientPhone.objects.bulk_create(
        ClientPhone(client=c, number=f"+55119{i * 2 + n:08d}", position=n)
        for c, i in zip(created, indexes, strict=True)
        for n in range(2)
    )
    Through = Client.tags.through
    Through.objects.bulk_create(
        Through(client_id=c.pk, tag_id=tags[(i + n) % len(tags)].pk)
        for c, i in zip(created, indexes, strict=True)
        for n in range(2)
    )


def count_queries(client, path, params=None, **headers) -> int:
    """Queries run to answer ``path``; the answer must list at least one client."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {}, **headers)
    assert response.status_code == 200, (path, response.status_code)
    if "json" in response["Content-Type"]:
        body = response.json()
        assert body.get("results", [body]), (path, params)
    else:
        html = response.content.decode()
        assert "No clients match." not in html, (path, params)
        assert "(11) 9" in html  # phones are shown, so their prefetch runs
    return len(captured.captured_queries)


@pytest.fixture
def counts(client, manager, api_as):
    """Query counts of each page with SMALL and then LARGE clients in the database."""
    source = AdCampaign.objects.create(name="Google")
    tags = [Tag.objects.create(name=f"tag{i}") for i in range(5)]
    client.force_login(manager)
    api = api_as(manager)

    def measure() -> dict[str, int]:
        profiled = Client.objects.order_by("id").first()  # the same client in both rounds
        return {
            "list": count_queries(client, "/clients/"),
            "list htmx": count_queries(client, "/clients/", **HTMX),
            "list search": count_queries(client, "/clients/", {"search": "silva"}),
            "list phone search": count_queries(client, "/clients/", {"search": "(11) 90000-0001"}),
            "list filtered": count_queries(
                client, "/clients/", {"tag": "tag1", "conflicted": "true"}
            ),
            "profile": count_queries(client, f"/clients/{profiled.pk}/"),
            "general tab": count_queries(client, f"/clients/{profiled.pk}/general/", **HTMX),
            "api list": count_queries(api, "/api/v1/clients/"),
            "api search": count_queries(api, "/api/v1/clients/", {"search": "santos"}),
            "api detail": count_queries(api, f"/api/v1/clients/{profiled.pk}/"),
        }

    add_clients(SMALL, manager=manager, source=source, tags=tags, start=0)
    small = measure()
    add_clients(LARGE - SMALL, manager=manager, source=source, tags=tags, start=SMALL)
    assert Client.objects.count() == LARGE
    large = measure()
    return small, large


def test_same_number_of_queries_with_10_and_1000_clients(counts):
    small, large = counts
    assert small == large


def test_query_counts_are_small(counts):
    _, large = counts
    too_many = {name: n for name, n in large.items() if n >= MAX_QUERIES}
    assert too_many == {}
