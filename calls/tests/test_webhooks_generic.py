"""The generic JSON call webhook: signed with HMAC-SHA256 of the raw body in X-Signature.
A good delivery stores (or updates) one call; anything else stores nothing."""

import json

import pytest

from calls.models import Call
from calls.tests.helpers import SECRET, post_generic, sign, snapshot
from clients.tests.factories import ClientFactory, ClientPhoneFactory
from leads.models import Lead

pytestmark = pytest.mark.django_db

EVENT = {
    "id": "pbx-2026-11-28-0001",
    "direction": "incoming",
    "status": "answered",
    "from": "+55 11 98765-4321",
    "to": "(11) 3333-4444",
    "started_at": "2026-11-28T14:03:00-03:00",
    "duration": 95,
}


@pytest.fixture
def ana(db):
    client = ClientFactory(first_name="Ana", last_name="Souza")
    ClientPhoneFactory(client=client, number="+5511987654321")
    return client


def test_a_signed_call_is_stored_with_e164_numbers_and_its_client(client, ana, manager):
    response = post_generic(client, {**EVENT, "employee": "MGR"})
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert response.json() == {"id": call.pk, "created": True}
    assert (call.provider, call.provider_id) == ("generic", "pbx-2026-11-28-0001")
    assert (call.direction, call.status) == ("incoming", "answered")
    assert (call.from_number, call.to_number) == ("+5511987654321", "+551133334444")
    assert call.client == ana and call.employee == manager
    assert call.duration == 95 and call.duration_display == "1:35"
    assert call.started_at.isoformat() == "2026-11-28T17:03:00+00:00"
    assert call.recording_state == ""


def test_an_outgoing_call_is_matched_by_the_number_called(client, ana):
    event = {**EVENT, "direction": "outgoing", "from": "+551133334444", "to": "11987654321"}
    assert post_generic(client, event).status_code == 201
    assert Call.objects.get().client == ana


def test_a_replayed_delivery_updates_the_same_call(client, ana):
    assert post_generic(client, EVENT).status_code == 201
    again = post_generic(client, {**EVENT, "duration": 120})
    assert again.status_code == 200 and again.json()["created"] is False
    call = Call.objects.get()
    assert call.duration == 120 and call.client == ana
    # The same id from another provider is another call.
    assert post_generic(client, EVENT, provider="asterisk").status_code == 201
    assert Call.objects.count() == 2


def test_an_unknown_number_stores_the_call_without_a_client(client, ana):
    assert post_generic(client, {**EVENT, "from": "+14155550100"}).status_code == 201
    call = Call.objects.get()
    assert call.client is None and call.from_number == "+14155550100"


def test_an_unparseable_caller_is_kept_as_sent(client):
    assert post_generic(client, {**EVENT, "from": "anonymous"}).status_code == 201
    assert Call.objects.get().from_number == "anonymous"


def test_a_missed_call_opens_one_missed_call_lead_even_when_replayed(client, ana):
    missed = {**EVENT, "status": "missed", "duration": 0}
    for _ in range(3):
        assert post_generic(client, missed).status_code in (200, 201)
    lead = Lead.objects.get()
    assert lead.client == ana and lead.lead_type.system_code == "missed_call"
    assert Call.objects.get().missed_lead == lead
    assert "+55 11 98765-4321" in lead.description or "98765-4321" in lead.description


def test_a_missed_call_from_an_unknown_number_opens_a_contact_lead(client):
    missed = {**EVENT, "status": "missed", "from": "+5521912345678"}
    assert post_generic(client, missed).status_code == 201
    lead = Lead.objects.get()
    assert lead.client is None and lead.contact_phone == "+5521912345678"


def test_missed_outgoing_and_answered_calls_open_no_lead(client, ana):
    post_generic(client, {**EVENT, "status": "answered"})
    post_generic(client, {**EVENT, "id": "x2", "direction": "outgoing", "status": "missed"})
    post_generic(client, {**EVENT, "id": "x3", "status": "busy"})
    assert Lead.objects.count() == 0


def test_a_call_missed_after_a_first_report_opens_its_lead_then(client, ana):
    post_generic(client, {**EVENT, "status": "busy"})
    post_generic(client, {**EVENT, "status": "missed"})
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing
        "0" * 64,
        sign(b"another body"),
        sign(json.dumps(EVENT).encode(), secret="another secret"),
    ],
)
def test_a_bad_or_missing_signature_is_403_and_stores_nothing(client, ana, signature):
    before = snapshot()
    response = post_generic(client, EVENT, signature=signature)
    assert response.status_code == 403
    assert response.json() == {"error": "Bad or missing signature."}
    assert snapshot() == before


def test_with_no_secret_configured_everything_is_refused(client, settings):
    settings.OFICINA_CALLS_WEBHOOK_SECRET = ""
    body = json.dumps(EVENT).encode()
    assert post_generic(client, body, signature=sign(body, secret="")).status_code == 403
    assert post_generic(client, body, signature="").status_code == 403
    assert not Call.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_wrong_content_type_is_415(client, content_type):
    response = post_generic(client, EVENT, content_type=content_type)
    assert response.status_code == 415
    assert not Call.objects.exists()


def test_a_json_content_type_with_a_charset_is_accepted(client):
    response = post_generic(client, EVENT, content_type="application/json; charset=utf-8")
    assert response.status_code == 201


def test_only_post_is_allowed(client):
    assert client.get("/hooks/calls/generic/").status_code == 405


def test_a_body_of_one_megabyte_is_refused_without_storing(client):
    body = json.dumps({**EVENT, "employee": "x" * (1024 * 1024)}).encode()
    response = post_generic(client, body)
    assert response.status_code == 400
    assert "limit" in response.json()["error"]
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b"[1, 2]", "body"),
        (json.dumps({k: v for k, v in EVENT.items() if k != "id"}).encode(), "id"),
        (json.dumps({**EVENT, "id": ""}).encode(), "id"),
        (json.dumps({**EVENT, "id": 7}).encode(), "id"),
        (json.dumps({**EVENT, "status": "exploded"}).encode(), "status"),
        (json.dumps({**EVENT, "direction": "sideways"}).encode(), "direction"),
        (json.dumps({**EVENT, "duration": "95"}).encode(), "duration"),
        (json.dumps({**EVENT, "duration": -1}).encode(), "duration"),
        (json.dumps({**EVENT, "duration": True}).encode(), "duration"),
        (json.dumps({**EVENT, "started_at": "yesterday"}).encode(), "started_at"),
        (json.dumps({**EVENT, "started_at": "2026-11-28T14:03:00"}).encode(), "started_at"),
        (json.dumps({**EVENT, "from": None}).encode(), "from"),
        (json.dumps({**EVENT, "from": ["+5511987654321"]}).encode(), "from"),
        (json.dumps({**EVENT, "recording_url": "file:///etc/passwd"}).encode(), "recording_url"),
        (json.dumps({**EVENT, "colour": "red"}).encode(), "body"),
    ],
)
def test_a_malformed_body_is_400_with_the_field_and_stores_nothing(client, body, field):
    response = post_generic(client, body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["error"] == "Malformed call event."
    assert field in data["fields"]
    assert not Call.objects.exists()


def test_webhooks_need_no_sign_in_and_no_csrf_token(ana):
    from django.test import Client as HttpClient

    http = HttpClient(enforce_csrf_checks=True)
    assert post_generic(http, EVENT).status_code == 201


def test_secret_is_the_configured_one(client, settings):
    settings.OFICINA_CALLS_WEBHOOK_SECRET = "rotated"
    assert post_generic(client, EVENT).status_code == 403
    assert (
        post_generic(
            client, EVENT, signature=sign(json.dumps(EVENT).encode(), "rotated")
        ).status_code
        == 201
    )
    assert SECRET != "rotated"


def test_an_unknown_provider_slug_shape_is_404(client):
    assert (
        client.post(
            "/hooks/calls/Bad_Slug/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )
