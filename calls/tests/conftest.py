"""Fixtures the calls tests share: recordings stored in a temporary folder, the webhook
secrets configured, and a local recording host."""

import pytest

from calls.tests.helpers import SECRET, TWILIO_SID, TWILIO_TOKEN, fake_host


@pytest.fixture(autouse=True)
def calls_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OFICINA_CALLS_WEBHOOK_SECRET = SECRET
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.OFICINA_PUBLIC_URL = ""
    return settings


@pytest.fixture
def host():
    with fake_host() as server:
        yield server
