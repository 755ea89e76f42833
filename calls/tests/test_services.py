"""``calls.services``: matching clients and employees, keeping what a later delivery does
not mention, and queueing a recording once."""

from datetime import UTC, datetime

import pytest

from calls import services
from calls.reports import CallReport
from clients.tests.factories import ClientFactory, ClientPhoneFactory

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)


def report(**fields) -> CallReport:
    base = {
        "provider_id": "c-1",
        "direction": "incoming",
        "status": "answered",
        "from_number": "+5511987654321",
        "to_number": "+551133334444",
        "started_at": WHEN,
        "duration": 10,
    }
    return CallReport(**{**base, **fields})


@pytest.mark.parametrize("named", ["mgr", "MGR", "mgr@EXAMPLE.test", "(11) 91234-5678"])
def test_the_employee_is_found_by_login_email_or_phone(manager, named):
    manager.email, manager.phone = "mgr@example.test", "+5511912345678"
    manager.save()
    call, _ = services.call_record(provider="generic", report=report(employee=named))
    assert call.employee == manager


def test_an_unknown_or_inactive_employee_is_left_empty(manager):
    manager.is_active = False
    manager.save()
    call, _ = services.call_record(provider="generic", report=report(employee="mgr"))
    assert call.employee is None
    call, _ = services.call_record(
        provider="generic", report=report(provider_id="c-2", employee="ghost")
    )
    assert call.employee is None


def test_an_active_client_is_preferred_to_an_archived_one_with_the_same_phone():
    old = ClientFactory(first_name="Old", archived=True)
    ClientPhoneFactory(client=old, number="+5511987654321")
    current = ClientFactory(first_name="Current")
    ClientPhoneFactory(client=current, number="+5511987654321")
    call, _ = services.call_record(provider="generic", report=report())
    assert call.client == current


def test_a_client_added_later_is_matched_by_the_next_delivery():
    call, _ = services.call_record(provider="generic", report=report())
    assert call.client is None
    ana = ClientFactory(first_name="Ana")
    ClientPhoneFactory(client=ana, number="+5511987654321")
    call, created = services.call_record(provider="generic", report=report())
    assert not created and call.client == ana


def test_a_recording_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        services.call_record(provider="generic", report=report(recording_url="http://x/r.wav"))
    with django_capture_on_commit_callbacks() as again:
        services.call_record(provider="generic", report=report(recording_url="http://x/r.wav"))
    assert len(first) == 1 and len(again) == 0


@pytest.mark.parametrize(
    "raw,stored",
    [
        ("(11) 98765-4321", "+5511987654321"),
        ("+1 415 555 0100", "+14155550100"),
        ("anonymous", "anonymous"),
        ("client:alice", "client:alice"),
        ("", ""),
    ],
)
def test_numbers_are_stored_in_e164_when_valid(raw, stored):
    assert services.normalize_number(raw) == stored


def test_duration_display():
    from calls.models import Call

    assert Call(duration=0).duration_display == "0:00"
    assert Call(duration=59).duration_display == "0:59"
    assert Call(duration=3725).duration_display == "1:02:05"
