"""The shared webhook checks, cross-checked against Twilio's own validator."""

import hashlib
import hmac

import pytest
from django.http import QueryDict
from django.test import RequestFactory, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from core.webhooks import (
    BodyTooLarge,
    public_url,
    read_limited_body,
    twilio_signature,
    verify_hmac_sha256,
    verify_twilio,
)

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}


def test_twilio_signature_matches_request_validator():
    assert twilio_signature(TOKEN, URL, PARAMS) == RequestValidator(TOKEN).compute_signature(
        URL, PARAMS
    )


def test_verify_twilio_accepts_the_signature_and_refuses_changes():
    sig = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    assert verify_twilio(TOKEN, URL, PARAMS, sig)
    assert not verify_twilio("other", URL, PARAMS, sig)
    assert not verify_twilio(TOKEN, URL + "&x=1", PARAMS, sig)
    assert not verify_twilio(TOKEN, URL, {**PARAMS, "Digits": "1235"}, sig)
    assert not verify_twilio(TOKEN, URL, PARAMS, "")
    assert not verify_twilio("", URL, PARAMS, sig)


def test_verify_twilio_accepts_url_with_or_without_default_port():
    sig = RequestValidator(TOKEN).compute_signature("https://example.com:443/hook/", PARAMS)
    assert verify_twilio(TOKEN, "https://example.com/hook/", PARAMS, sig)
    sig = RequestValidator(TOKEN).compute_signature("https://example.com/hook/", PARAMS)
    assert verify_twilio(TOKEN, "https://example.com:443/hook/", PARAMS, sig)


def test_twilio_signature_of_a_querydict_with_repeated_names():
    qd = QueryDict("b=2&a=1&a=0&c=", mutable=False)
    expected = RequestValidator(TOKEN).compute_signature(URL, qd)
    assert twilio_signature(TOKEN, URL, qd) == expected
    assert twilio_signature(TOKEN, URL, [("b", "2"), ("a", "1"), ("a", "0"), ("c", "")]) == (
        expected
    )


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=10),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
        max_size=6,
    )
)
def test_twilio_signature_agrees_with_request_validator_on_any_params(params):
    assert twilio_signature(TOKEN, URL, params) == RequestValidator(TOKEN).compute_signature(
        URL, params
    )


def _hex(secret, body):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_verify_hmac_sha256():
    body = b'{"id": "1", "status": "delivered"}'
    sig = _hex("s3cret", body)
    assert verify_hmac_sha256("s3cret", body, sig)
    assert verify_hmac_sha256("s3cret", body, sig.upper())
    assert verify_hmac_sha256("s3cret", body, "sha256=" + sig)
    assert not verify_hmac_sha256("s3cret", body + b" ", sig)
    assert not verify_hmac_sha256("other", body, sig)
    assert not verify_hmac_sha256("s3cret", body, "")
    assert not verify_hmac_sha256("", body, _hex("", body))  # no secret: nothing verifies
    assert not verify_hmac_sha256("s3cret", body, "not hex ✓")
    assert not verify_twilio(TOKEN, URL, PARAMS, "ünïcode")


def test_public_url_uses_the_setting_when_set():
    request = RequestFactory().post("/hooks/sms/twilio/?a=1", HTTP_HOST="localhost:8000")
    assert public_url(request) == "http://localhost:8000/hooks/sms/twilio/?a=1"
    with override_settings(OFICINA_PUBLIC_URL="https://shop.example.com/"):
        assert public_url(request) == "https://shop.example.com/hooks/sms/twilio/?a=1"


def test_read_limited_body_returns_the_body_and_keeps_post_readable():
    request = RequestFactory().post(
        "/h/", data="a=1&b=2", content_type="application/x-www-form-urlencoded"
    )
    assert read_limited_body(request, 100) == b"a=1&b=2"
    assert request.POST["b"] == "2"
    assert request.body == b"a=1&b=2"


def test_read_limited_body_refuses_a_large_body():
    big = b"x" * (1024 * 1024)
    request = RequestFactory().post("/h/", data=big, content_type="application/json")
    with pytest.raises(BodyTooLarge):
        read_limited_body(request, 64 * 1024)


def test_read_limited_body_refuses_a_body_longer_than_declared_length_claims():
    request = RequestFactory().post("/h/", data=b"x" * 500, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "10"  # a lying sender: we still read at most limit + 1
    with pytest.raises(BodyTooLarge):
        read_limited_body(request, 100)
