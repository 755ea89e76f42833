"""The demo data has a dozen calls, a missed call's lead, and one call with a playable
recording."""

from io import StringIO

import pytest
from django.core.management import call_command

from calls.models import Call
from leads.models import Lead

pytestmark = pytest.mark.django_db


def test_the_demo_has_calls_with_a_recording(client):
    call_command("seed_demo", stdout=StringIO())
    assert Call.objects.count() == 12
    assert set(Call.objects.values_list("direction", flat=True)) == {"incoming", "outgoing"}
    assert {"answered", "missed"} <= set(Call.objects.values_list("status", flat=True))
    assert Call.objects.filter(client__isnull=False).count() >= 10
    assert Call.objects.filter(client__isnull=True).exists()
    missed = Call.objects.filter(status="missed", direction="incoming")
    assert missed.filter(missed_lead__isnull=False).count() == missed.count() == 2
    assert Lead.objects.filter(lead_type__system_code="missed_call").count() >= 2
    recorded = Call.objects.get(recording_state="stored")
    client.login(username="manager", password="manager")
    response = client.get(recorded.get_recording_url(), HTTP_RANGE="bytes=0-43")
    assert response.status_code == 206
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
