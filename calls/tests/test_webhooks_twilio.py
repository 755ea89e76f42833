"""Twilio's voice status and recording callbacks, signed the way Twilio signs them
(X-Twilio-Signature over the public URL and the sorted POST parameters)."""

import pytest
from twilio.request_validator import RequestValidator

from calls.models import Call
from calls.tests.helpers import TWILIO_SID, TWILIO_TOKEN, post_twilio, snapshot
from clients.tests.factories import ClientFactory, ClientPhoneFactory
from core.webhooks import twilio_signature, verify_twilio
from leads.models import Lead

pytestmark = pytest.mark.django_db

CALL_SID = "CA" + "0123456789abcdef" * 2

# A status callback as Twilio sends it when an inbound call completes.
STATUS = {
    "AccountSid": TWILIO_SID,
    "ApiVersion": "2010-04-01",
    "CallSid": CALL_SID,
    "CallStatus": "completed",
    "CallDuration": "42",
    "Called": "+551133334444",
    "CalledCity": "SAO PAULO",
    "CalledCountry": "BR",
    "CalledState": "SP",
    "CalledZip": "",
    "Caller": "+5511987654321",
    "CallerCity": "",
    "CallerCountry": "BR",
    "CallerState": "SP",
    "CallerZip": "",
    "CallbackSource": "call-progress-events",
    "Direction": "inbound",
    "Duration": "1",
    "From": "+5511987654321",
    "FromCity": "",
    "FromCountry": "BR",
    "FromState": "SP",
    "FromZip": "",
    "SequenceNumber": "3",
    "SipResponseCode": "200",
    "Timestamp": "Sat, 28 Nov 2026 14:05:42 +0000",
    "To": "+551133334444",
    "ToCity": "SAO PAULO",
    "ToCountry": "BR",
    "ToState": "SP",
    "ToZip": "",
}

# A recording status callback, as Twilio sends it once the recording is ready.
RECORDING = {
    "AccountSid": TWILIO_SID,
    "CallSid": CALL_SID,
    "ErrorCode": "0",
    "RecordingChannels": "1",
    "RecordingDuration": "41",
    "RecordingSid": "RE" + "f" * 32,
    "RecordingSource": "DialVerb",
    "RecordingStartTime": "Sat, 28 Nov 2026 14:05:01 +0000",
    "RecordingStatus": "completed",
    "RecordingTrack": "both",
    "RecordingUrl": (
        f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Recordings/RE{'f' * 32}"
    ),
}


@pytest.fixture
def ana(db):
    client = ClientFactory(first_name="Ana", last_name="Souza")
    ClientPhoneFactory(client=client, number="+5511987654321")
    return client


@pytest.mark.parametrize(
    "url,params",
    [
        ("https://shop.example.com/hooks/calls/twilio/", STATUS),
        ("https://shop.example.com/hooks/calls/twilio/", RECORDING),
        ("http://testserver/hooks/calls/twilio/?x=1", {"A": "1", "B": "é ü", "CallSid": "x"}),
        ("https://shop.example.com/hooks/calls/twilio/", {}),
    ],
)
def test_the_signature_matches_twilios_own_validator(url, params):
    reference = RequestValidator(TWILIO_TOKEN)
    ours = twilio_signature(TWILIO_TOKEN, url, params)
    assert ours == reference.compute_signature(url, params)
    assert reference.validate(url, params, ours)
    assert verify_twilio(TWILIO_TOKEN, url, params, reference.compute_signature(url, params))
    assert not verify_twilio(TWILIO_TOKEN, url, {**params, "Extra": "1"}, ours)


def test_a_status_callback_stores_the_call(client, ana):
    response = post_twilio(client, STATUS)
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert (call.provider, call.provider_id) == ("twilio", CALL_SID)
    assert (call.direction, call.status, call.duration) == ("incoming", "answered", 42)
    assert (call.from_number, call.to_number) == ("+5511987654321", "+551133334444")
    assert call.client == ana
    # Timestamp is when the call ended: it started CallDuration earlier.
    assert call.started_at.isoformat() == "2026-11-28T14:05:00+00:00"


def test_the_recording_callback_updates_the_call_and_queues_the_download(
    client, ana, django_capture_on_commit_callbacks
):
    post_twilio(client, STATUS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_twilio(client, RECORDING)
    assert response.status_code == 200
    call = Call.objects.get()
    assert call.recording_url == RECORDING["RecordingUrl"]
    assert call.recording_state == "pending"
    assert call.status == "answered" and call.client == ana  # kept from the status callback
    assert len(callbacks) == 1  # the download task, queued after commit


def test_a_recording_callback_before_the_status_callback(client, ana):
    assert post_twilio(client, RECORDING).status_code == 201
    assert post_twilio(client, STATUS).status_code == 200
    call = Call.objects.get()
    assert (call.status, call.from_number, call.client) == ("answered", "+5511987654321", ana)
    assert call.recording_state == "pending"


def test_ringing_then_completed_keeps_the_start_and_a_late_ringing_changes_nothing(client):
    ringing = {**STATUS, "CallStatus": "ringing", "Timestamp": "Sat, 28 Nov 2026 14:04:50 +0000"}
    del ringing["CallDuration"]
    post_twilio(client, ringing)
    assert Call.objects.get().status == "in_progress"
    post_twilio(client, STATUS)
    post_twilio(client, ringing)  # delivered late
    call = Call.objects.get()
    assert call.status == "answered"
    assert call.started_at.isoformat() == "2026-11-28T14:04:50+00:00"


@pytest.mark.parametrize(
    "twilio_status,ours",
    [
        ("completed", "answered"),
        ("busy", "busy"),
        ("failed", "failed"),
        ("no-answer", "missed"),
        ("canceled", "missed"),
        ("queued", "in_progress"),
        ("ringing", "in_progress"),
        ("in-progress", "answered"),
    ],
)
def test_call_statuses_map(client, twilio_status, ours):
    assert post_twilio(client, {**STATUS, "CallStatus": twilio_status}).status_code == 201
    assert Call.objects.get().status == ours


@pytest.mark.parametrize(
    "direction,ours,client_number",
    [
        ("inbound", "incoming", "From"),
        ("outbound-api", "outgoing", "To"),
        ("outbound-dial", "outgoing", "To"),
    ],
)
def test_directions_map_and_the_other_party_is_matched(client, direction, ours, client_number):
    ana = ClientFactory(first_name="Ana")
    ClientPhoneFactory(client=ana, number="+5511912340000")
    params = {**STATUS, "Direction": direction, client_number: "+5511912340000"}
    assert post_twilio(client, params).status_code == 201
    call = Call.objects.get()
    assert call.direction == ours and call.client == ana


def test_a_no_answer_call_opens_one_lead_even_when_replayed(client, ana):
    missed = {**STATUS, "CallStatus": "no-answer", "CallDuration": "0"}
    for _ in range(3):
        post_twilio(client, missed)
    assert Lead.objects.get().client == ana


def test_the_public_url_setting_is_what_twilio_signed(client, settings, ana):
    settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
    public = "https://shop.example.com/hooks/calls/twilio/"
    assert post_twilio(client, STATUS).status_code == 403  # signed for http://testserver
    assert post_twilio(client, STATUS, url=public).status_code == 201


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "bm90IGEgc2lnbmF0dXJl",
        twilio_signature("another token", "http://testserver/hooks/calls/twilio/", STATUS),
    ],
)
def test_a_bad_or_missing_signature_is_403(client, ana, signature):
    before = snapshot()
    response = post_twilio(client, STATUS, signature=signature)
    assert response.status_code == 403
    assert snapshot() == before


def test_a_tampered_parameter_breaks_the_signature(client, ana):
    from urllib.parse import urlencode

    signature = twilio_signature(TWILIO_TOKEN, "http://testserver/hooks/calls/twilio/", STATUS)
    response = client.post(
        "/hooks/calls/twilio/",
        data=urlencode({**STATUS, "CallDuration": "4200"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403
    assert not Call.objects.exists()


def test_without_an_auth_token_everything_is_refused(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert post_twilio(client, STATUS).status_code == 403
    assert not Call.objects.exists()


def test_json_to_the_twilio_hook_is_415(client):
    response = client.post("/hooks/calls/twilio/", data=b"{}", content_type="application/json")
    assert response.status_code == 415


def test_a_one_megabyte_body_is_400(client):
    response = post_twilio(client, {**STATUS, "Padding": "x" * (1024 * 1024)})
    assert response.status_code == 400
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"CallSid": ""}, "CallSid"),
        ({"CallSid": "not-a-sid"}, "CallSid"),
        ({"CallStatus": "exploded"}, "CallStatus"),
        ({"Direction": "trunking-terminating"}, "Direction"),
        ({"CallDuration": "forty"}, "CallDuration"),
        ({"Timestamp": "28/11/2026"}, "Timestamp"),
        ({"From": "+" + "1" * 80}, "From"),
    ],
)
def test_a_malformed_callback_is_400_and_stores_nothing(client, change, field):
    response = post_twilio(client, {**STATUS, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Call.objects.exists()


def test_a_status_callback_without_its_status_is_400(client):
    params = {k: v for k, v in STATUS.items() if k != "CallStatus"}
    response = post_twilio(client, params)
    assert response.status_code == 400 and "CallStatus" in response.json()["fields"]
