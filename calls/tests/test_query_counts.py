"""The Calls section, the calls page and the API read a fixed number of queries however
many calls there are: 10 or 2,000."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import services
from calls.models import Call
from calls.tests.factories import wav_bytes
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 2_000
MAX_QUERIES = 15  # the section in the profile frame: its badges included
HX = {"HTTP_HX_REQUEST": "true"}


def add_calls(count: int, *, clients, employees, start: int) -> None:
    now = timezone.now()
    Call.objects.bulk_create(
        [
            Call(
                provider="generic",
                provider_id=f"bulk-{i}",
                direction="incoming" if i % 3 else "outgoing",
                status=["answered", "missed", "busy", "failed"][i % 4],
                from_number=f"+55119{i:08d}",
                to_number="+551133334444",
                client=clients[i % len(clients)],
                employee=employees[i % len(employees)],
                started_at=now - timedelta(minutes=i),
                duration=i % 600,
            )
            for i in range(start, start + count)
        ],
        batch_size=500,
    )


def count_queries(http, path, params=None, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, params or {}, **headers)
    assert response.status_code == 200, (path, response.status_code)
    if "json" in response["Content-Type"]:
        assert response.json()["results"], (path, params)
    else:
        assert b'data-call="' in response.content, (path, params)
    return len(captured.captured_queries)


def measure(client, api, ana) -> dict:
    section = f"/clients/{ana.pk}/communications/"
    return {
        "section": count_queries(client, section, {"section": "calls"}),
        "section part": count_queries(
            client, section, {"section": "calls", "direction": "incoming", "part": "calls"}, **HX
        ),
        "page": count_queries(client, "/calls/"),
        "page search": count_queries(client, "/calls/", {"search": "4444"}, **HX),
        "page 2": count_queries(client, "/calls/", {"page": 2, "direction": "incoming"}),
        "api": count_queries(api, "/api/v1/calls/"),
        "api client": count_queries(api, "/api/v1/calls/", {"client": ana.pk}),
    }


def test_the_same_queries_for_10_and_2000_calls(client, api_as, manager, make_employee):
    ana, bruno = ClientFactory(first_name="Ana"), ClientFactory(first_name="Bruno")
    employees = [manager, make_employee("specialist")]
    client.force_login(manager)
    api = api_as(manager)
    add_calls(SMALL * 3, clients=[ana, bruno], employees=employees, start=0)
    # A stored recording on the first page: the player costs no query per row.
    services.call_recording_attach(
        call=Call.objects.filter(client=ana).first(), content=wav_bytes(0.1)
    )
    small = measure(client, api, ana)
    add_calls(LARGE, clients=[ana, bruno], employees=employees, start=SMALL * 3)
    large = measure(client, api, ana)
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large


def test_a_webhook_delivery_reads_and_writes_a_fixed_number_of_queries(client, settings):
    """A new call, a replay and a missed call (with its lead) each cost a fixed handful of
    queries, whatever the number of clients and calls already stored."""
    import json

    from calls.tests.helpers import post_generic

    ana = ClientFactory(first_name="Ana")
    ana.phones.create(number="+5511987654321")
    event = {
        "id": "q-1",
        "direction": "incoming",
        "status": "answered",
        "from": "+5511987654321",
        "to": "+551133334444",
        "started_at": "2026-11-28T14:03:00Z",
        "duration": 5,
    }

    def deliver(payload) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = post_generic(client, json.dumps(payload).encode())
        assert response.status_code in (200, 201)
        return len(captured.captured_queries)

    new, replay = deliver(event), deliver(event)
    missed = deliver({**event, "id": "q-2", "status": "missed"})
    assert new <= 8 and replay <= 6 and missed <= 19, (new, replay, missed)
