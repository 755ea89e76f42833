"""A manager opens a client's Communications tab, filters the Calls section by Incoming and
Outgoing, and plays a call's recording: the browser's <audio> element loads it (through the
Range-capable file view) and reports its duration."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from calls import services
from calls.tests.factories import CallFactory, wav_bytes
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db, settings, tmp_path):
    """The live server needs committed data: the built-in roles the last test's flush
    removed; recordings go to a temporary folder."""
    restore_builtin_roles()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def beatriz(manager):
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    now = timezone.now()
    incoming = CallFactory(
        client=client, started_at=now - timedelta(hours=3), duration=75, employee=manager
    )
    CallFactory(
        client=client,
        direction="outgoing",
        status="missed",
        started_at=now - timedelta(hours=1),
        duration=0,
    )
    # One second of a 440 Hz tone, a real WAV file.
    services.call_recording_attach(call=incoming, content=wav_bytes(1.0))
    return client


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def test_the_calls_section_filters_and_plays_a_recording(page, live_server, beatriz):
    base = live_server.url
    ranges = []
    page.on(
        "response",
        lambda r: (
            "/recording/" in r.url and ranges.append((r.request.headers.get("range"), r.status))
        ),
    )
    sign_in(page, base)
    page.goto(f"{base}/clients/{beatriz.pk}/")
    page.locator(f"#profile-tabs a[href='/clients/{beatriz.pk}/communications/']").click()
    expect(page).to_have_url(re.compile(rf"/clients/{beatriz.pk}/communications/"))
    section = page.locator("#section-content")
    expect(section).to_have_attribute("data-section", "calls")
    rows = section.locator("tr[data-call]")
    expect(rows).to_have_count(2)

    # Incoming only: the outgoing call leaves, the address bar keeps a reloadable URL.
    section.locator(".call-filters a[data-direction='incoming']").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-direction", "incoming")
    expect(page).to_have_url(re.compile(r"section=calls&direction=incoming$"))
    expect(section.locator(".call-filters a.active")).to_have_attribute(
        "data-direction", "incoming"
    )

    section.locator(".call-filters a[data-direction='outgoing']").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-direction", "outgoing")
    expect(rows.first).to_contain_text("Missed")
    expect(section.locator("audio")).to_have_count(0)

    # Reloading the filtered URL shows the whole tab with the same filter.
    page.reload()
    expect(page.locator("nav.section-strip")).to_be_visible()
    expect(page.locator("#section-content tr[data-call]")).to_have_count(1)

    page.locator("#section-content .call-filters a[data-direction='all']").click()
    expect(rows).to_have_count(2)
    section.locator(".call-filters a[data-direction='incoming']").click()
    expect(rows).to_have_count(1)
    audio = section.locator("audio")
    expect(audio).to_have_count(1)
    expect(rows.first).to_contain_text("1:15")

    # The browser loads the metadata and learns the duration (about one second).
    page.wait_for_function(
        "() => { const a = document.querySelector('#section-content audio');"
        " return a && a.readyState >= 1 && isFinite(a.duration) && a.duration > 0; }"
    )
    duration = audio.evaluate("a => a.duration")
    assert 0.9 < duration < 1.1
    assert audio.evaluate("a => a.error") is None
    # The media element asked for byte ranges and got 206 Partial Content.
    assert any(header and status == 206 for header, status in ranges), ranges
    # Playing it works too.
    audio.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("() => document.querySelector('#section-content audio').currentTime > 0")
