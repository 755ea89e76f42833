"""Downloading a recording in the background, from a local HTTP server playing the
provider's host: audio is stored; anything else, too large, or refused is given up;
a server error is retried."""

import base64

import pytest
from django.core.files.storage import default_storage

from calls import services
from calls.models import Call
from calls.recordings import call_recording_fetch
from calls.reports import CallReport
from calls.tests.factories import MP3_FRAME, wav_bytes
from calls.tests.helpers import TWILIO_SID, TWILIO_TOKEN
from jobs.models import TaskFailure
from jobs.testing import run_tasks

pytestmark = pytest.mark.django_db

WAV = wav_bytes(0.5)
HTML = b"<!doctype html><html><body>Session expired</body></html>"


def record(url: str, provider: str = "generic", capture=None) -> Call:
    report = CallReport(
        provider_id=f"c-{url}",
        direction="incoming",
        status="answered",
        from_number="+5511987654321",
        to_number="+551133334444",
        recording_url=url,
    )
    with capture(execute=True):
        call, _created = services.call_record(provider=provider, report=report)
    return call


@pytest.fixture
def recorded(django_capture_on_commit_callbacks):
    def make(url, provider="generic"):
        return record(url, provider, django_capture_on_commit_callbacks)

    return make


def test_audio_is_downloaded_and_stored(host, recorded):
    url = host.serve("/rec.wav", (200, {"Content-Type": "audio/wav"}, WAV))
    call = recorded(url)
    assert call.recording_state == "pending"
    assert run_tasks() == 1
    call.refresh_from_db()
    assert call.recording_state == "stored" and call.has_recording
    assert call.recording.name.startswith("calls/recordings/") and call.recording.name.endswith(
        ".wav"
    )
    assert call.recording_size == len(WAV) and call.recording_type == "wav"
    with default_storage.open(call.recording.name, "rb") as stored:
        assert stored.read() == WAV
    assert not TaskFailure.objects.exists()


def test_mp3_frames_are_audio_too(host, recorded):
    url = host.serve("/rec", (200, {"Content-Type": "audio/mpeg"}, MP3_FRAME * 4))
    call = recorded(url)
    run_tasks()
    call.refresh_from_db()
    assert call.recording_state == "stored" and call.recording.name.endswith(".mp3")


def test_an_html_page_served_as_audio_is_refused_by_its_bytes(host, recorded):
    url = host.serve("/rec.mp3", (200, {"Content-Type": "audio/mpeg"}, HTML))
    call = recorded(url)
    run_tasks(include_delayed=True)
    call.refresh_from_db()
    assert call.recording_state == "failed" and not call.recording
    assert "not WAV, MP3, OGG or M4A" in call.recording_error
    failure = TaskFailure.objects.get()
    assert failure.final and failure.attempt == 1
    assert not default_storage.exists("calls")


def test_a_non_audio_content_type_is_refused(host, recorded):
    url = host.serve("/rec", (200, {"Content-Type": "text/html; charset=utf-8"}, WAV))
    call = recorded(url)
    run_tasks(include_delayed=True)
    call.refresh_from_db()
    assert call.recording_state == "failed" and "Content-Type text/html" in call.recording_error


def test_a_recording_over_the_limit_is_refused(host, recorded, settings):
    settings.OFICINA_CALLS_RECORDING_MAX_BYTES = 1000
    url = host.serve("/big.wav", (200, {"Content-Type": "audio/wav"}, wav_bytes(1.0)))
    call = recorded(url)
    run_tasks(include_delayed=True)
    call.refresh_from_db()
    assert call.recording_state == "failed" and "limit" in call.recording_error
    assert TaskFailure.objects.get().final


def test_a_server_error_is_retried_then_the_download_succeeds(host, recorded):
    url = host.serve(
        "/flaky.wav",
        (500, {"Content-Type": "text/plain"}, b"oops"),
        (200, {"Content-Type": "audio/wav"}, WAV),
    )
    call = recorded(url)
    assert run_tasks() == 1  # the first attempt fails; the retry waits for its back-off
    call.refresh_from_db()
    assert call.recording_state == "pending"
    failure = TaskFailure.objects.get()
    assert not failure.final and "500" in failure.error
    assert run_tasks(include_delayed=True) == 1
    call.refresh_from_db()
    assert call.recording_state == "stored"
    assert len(host.requests) == 2


def test_a_404_gives_up_at_once(host, recorded):
    call = recorded(host.url + "/missing.wav")
    assert run_tasks(include_delayed=True) == 1
    call.refresh_from_db()
    assert call.recording_state == "failed" and "404" in call.recording_error
    assert TaskFailure.objects.get().final
    assert len(host.requests) == 1


def test_a_server_that_keeps_failing_is_given_up_after_five_attempts(host, recorded):
    url = host.serve("/down.wav", (503, {}, b"down"))
    call = recorded(url)
    assert run_tasks(include_delayed=True) == 5
    call.refresh_from_db()
    assert call.recording_state == "failed"
    assert TaskFailure.objects.filter(final=True).count() == 1
    assert TaskFailure.objects.count() == 5


def test_twilio_recordings_are_fetched_as_mp3_with_basic_auth(host, recorded):
    host.serve("/Recordings/RE1.mp3", (200, {"Content-Type": "audio/mpeg"}, MP3_FRAME * 2))
    call = recorded(host.url + "/Recordings/RE1", provider="twilio")
    run_tasks()
    call.refresh_from_db()
    assert call.recording_state == "stored"
    request = host.requests[0]
    assert request["path"] == "/Recordings/RE1.mp3"
    expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"


def test_other_providers_get_no_credentials(host, recorded):
    url = host.serve("/rec.wav", (200, {"Content-Type": "audio/wav"}, WAV))
    recorded(url)
    run_tasks()
    assert "Authorization" not in host.requests[0]["headers"]


def test_a_stored_recording_is_not_fetched_again(
    host, recorded, django_capture_on_commit_callbacks
):
    url = host.serve("/rec.wav", (200, {"Content-Type": "audio/wav"}, WAV))
    call = recorded(url)
    run_tasks()
    call_recording_fetch.run_now(call.pk)
    assert len(host.requests) == 1


def test_attach_refuses_what_is_not_audio():
    call = Call.objects.create(
        provider="generic",
        provider_id="x",
        direction="incoming",
        status="answered",
        started_at="2026-11-28T10:00:00Z",
    )
    with pytest.raises(services.CallError):
        services.call_recording_attach(call=call, content=HTML)
    call.refresh_from_db()
    assert not call.recording
