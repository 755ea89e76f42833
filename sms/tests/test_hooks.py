"""Delivery reports at /hooks/sms/<provider>/: signed, forward only, replay-safe."""

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest

from core.webhooks import twilio_signature
from sms.models import SmsStatus
from sms.tests.factories import SmsMessageFactory
from sms.tests.fake_twilio import TOKEN

pytestmark = pytest.mark.django_db
URL = "https://shop.example.com/hooks/sms/twilio/"
SECRET = "generic-s3cret"


@pytest.fixture
def signed(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
    settings.OFICINA_SMS_WEBHOOK_SECRET = SECRET


@pytest.fixture
def sms(ana):
    return SmsMessageFactory(
        client=ana, provider="twilio", provider_id="SM" + "a" * 32, status=SmsStatus.SENT
    )


def twilio_post(client, params, signature=None):
    sig = twilio_signature(TOKEN, URL, params) if signature is None else signature
    headers = {"HTTP_X_TWILIO_SIGNATURE": sig} if sig != "" else {}
    return client.post(
        "/hooks/sms/twilio/",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def report(sid, status, **extra):
    return {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1", **extra}


def generic_post(client, body: bytes, signature=None):
    sig = (
        hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if signature is None
        else signature
    )
    return client.post(
        "/hooks/sms/generic/", body, content_type="application/json", HTTP_X_SIGNATURE=sig
    )


def test_delivered(client, signed, sms):
    assert twilio_post(client, report(sms.provider_id, "delivered")).status_code == 200
    sms.refresh_from_db()
    assert sms.status == SmsStatus.DELIVERED


def test_delivered_then_late_sent_stays_delivered_and_replay_is_harmless(client, signed, sms):
    twilio_post(client, report(sms.provider_id, "delivered"))
    sms.refresh_from_db()
    changed = sms.status_changed_at
    for status in ("sent", "sending", "delivered", "failed", "undelivered"):
        assert twilio_post(client, report(sms.provider_id, status)).status_code == 200
    sms.refresh_from_db()
    assert sms.status == SmsStatus.DELIVERED and sms.status_changed_at == changed


def test_failed_after_sent_is_not_sent_with_the_error(client, signed, sms):
    twilio_post(client, report(sms.provider_id, "failed", ErrorCode="30008"))
    sms.refresh_from_db()
    assert (sms.status, sms.error_code) == (SmsStatus.NOT_SENT, "30008")
    assert "30008" in sms.error


def test_undelivered_is_declined_and_unknown_words_unknown(client, signed, ana):
    one = SmsMessageFactory(client=ana, provider="twilio", provider_id="SM1")
    two = SmsMessageFactory(client=ana, provider="twilio", provider_id="SM2")
    twilio_post(client, report("SM1", "undelivered", ErrorCode="30003"))
    twilio_post(client, report("SM2", "teleported"))
    one.refresh_from_db(), two.refresh_from_db()
    assert (one.status, two.status) == (SmsStatus.DECLINED, SmsStatus.UNKNOWN)
    twilio_post(client, report("SM2", "delivered"))
    two.refresh_from_db()
    assert two.status == SmsStatus.DELIVERED


@pytest.mark.parametrize("signature", ["", "bad", twilio_signature("other", URL, report("x", "y"))])
def test_bad_or_missing_signature_is_403_and_changes_nothing(client, signed, sms, signature):
    response = twilio_post(client, report(sms.provider_id, "delivered"), signature=signature)
    assert response.status_code == 403
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT


def test_signature_over_other_params_is_refused(client, signed, sms):
    sig = twilio_signature(TOKEN, URL, report(sms.provider_id, "failed"))
    assert (
        twilio_post(client, report(sms.provider_id, "delivered"), signature=sig).status_code == 403
    )


def test_without_auth_token_every_report_is_refused(client, signed, settings, sms):
    settings.TWILIO_AUTH_TOKEN = ""
    assert (
        twilio_post(client, report(sms.provider_id, "delivered"), signature="x").status_code == 403
    )


def test_signed_but_malformed_is_400(client, signed, sms):
    assert twilio_post(client, {"MessageSid": sms.provider_id}).status_code == 400
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT


def test_unknown_message_id_is_200_and_changes_nothing(client, signed, sms):
    assert twilio_post(client, report("SMunknown", "delivered")).status_code == 200
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT


def test_one_megabyte_body_is_refused(client, signed, sms):
    body = b'{"id": "' + b"x" * (1024 * 1024) + b'", "status": "delivered"}'
    assert generic_post(client, body).status_code == 413
    params = report(sms.provider_id, "delivered", Pad="y" * (1024 * 1024))
    assert twilio_post(client, params).status_code == 413
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT


def test_unknown_provider_is_404(client, signed):
    assert client.post("/hooks/sms/nope/", {}).status_code == 404


def test_get_is_not_allowed(client, signed):
    assert client.get("/hooks/sms/twilio/").status_code == 405


def test_generic_json_report(client, signed, ana):
    sms = SmsMessageFactory(client=ana, provider="outbox", provider_id="OB1", status=SmsStatus.SENT)
    body = json.dumps({"id": "OB1", "status": "declined", "error": "Blocked by carrier"}).encode()
    assert generic_post(client, body).status_code == 200
    sms.refresh_from_db()
    assert (sms.status, sms.error) == (SmsStatus.DECLINED, "Blocked by carrier")
    assert generic_post(client, body).status_code == 200  # replay
    assert generic_post(client, body, signature="0" * 64).status_code == 403
    assert generic_post(client, b"not json", signature=None).status_code == 400
    assert generic_post(client, b'{"id": "OB1"}').status_code == 400
    assert generic_post(client, b"[1, 2]").status_code == 400


def test_generic_without_secret_refuses_everything(client, signed, settings, ana):
    settings.OFICINA_SMS_WEBHOOK_SECRET = ""
    body = b'{"id": "OB1", "status": "delivered"}'
    assert (
        generic_post(
            client, body, signature=hmac.new(b"", body, hashlib.sha256).hexdigest()
        ).status_code
        == 403
    )


def test_webhooks_need_no_login_or_csrf(signed, sms):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert twilio_post(browser, report(sms.provider_id, "delivered")).status_code == 200


def test_callback_url_without_public_url_setting_uses_request_host(client, signed, settings, sms):
    settings.OFICINA_PUBLIC_URL = ""
    params = report(sms.provider_id, "delivered")
    sig = twilio_signature(TOKEN, "http://testserver/hooks/sms/twilio/", params)
    assert twilio_post(client, params, signature=sig).status_code == 200


def test_a_report_that_overtakes_the_send_answer_is_applied(client, signed, ana):
    from sms import services

    sms = SmsMessageFactory(client=ana, provider="twilio")  # the send request is in flight
    url = f"{URL}?sms={sms.pk}"
    params = report("SMfast", "delivered")
    response = client.post(
        f"/hooks/sms/twilio/?sms={sms.pk}",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(TOKEN, url, params),
    )
    assert response.status_code == 200
    sms.refresh_from_db()
    assert (sms.status, sms.provider_id) == (SmsStatus.DELIVERED, "SMfast")
    services.sms_mark_sent(sms_id=sms.pk, provider_id="SMfast", provider_status="queued")
    sms.refresh_from_db()
    assert sms.status == SmsStatus.DELIVERED and sms.sent_at is not None


def test_a_reference_cannot_hijack_a_message_with_another_provider_id(client, signed, sms):
    url = f"{URL}?sms={sms.pk}"
    params = report("SMother", "failed")
    client.post(
        f"/hooks/sms/twilio/?sms={sms.pk}",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(TOKEN, url, params),
    )
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and sms.provider_id == "SM" + "a" * 32


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("queued", SmsStatus.IN_PROCESS),
        ("accepted", SmsStatus.IN_PROCESS),
        ("sending", SmsStatus.IN_PROCESS),
        ("scheduled", SmsStatus.IN_PROCESS),
        ("sent", SmsStatus.SENT),
        ("delivered", SmsStatus.DELIVERED),
        ("undelivered", SmsStatus.DECLINED),
        ("failed", SmsStatus.NOT_SENT),
        ("SENT", SmsStatus.SENT),
        ("whatever", SmsStatus.UNKNOWN),
    ],
)
def test_twilio_status_mapping(word, status):
    from sms.backends import TwilioBackend

    assert TwilioBackend.map_status(word) == status
