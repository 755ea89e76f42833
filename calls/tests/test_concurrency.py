"""The same webhook delivered many times at once (real threads, each on its own connection,
released together): one call, one "Missed call" lead. On PostgreSQL the losers' inserts fail
on the (provider, provider_id) unique constraint and update the winner's row under its lock;
on SQLite ``BEGIN IMMEDIATE`` serialises them."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps

from accounts.tests.factories import restore_builtin_roles
from calls import services
from calls.models import Call
from calls.reports import CallReport
from clients.tests.factories import ClientFactory, ClientPhoneFactory
from documents.tests.test_documents_concurrency import file_database, race
from leads.models import Lead

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def shared(tmp_path):
    with file_database(tmp_path):
        restore_builtin_roles()
        import_module("leads.migrations.0002_builtin_lists").create_lists(apps, None)
        ana = ClientFactory(first_name="Ana")
        ClientPhoneFactory(client=ana, number="+5511987654321")
        yield ana


def report(index: int, status: str = "missed") -> CallReport:
    return CallReport(
        provider_id="CA-race-1",
        direction="incoming",
        status=status,
        from_number="+5511987654321",
        to_number="+551133334444",
        started_at=datetime(2026, 11, 28, 14, 0, tzinfo=UTC),
        duration=index,
    )


def test_a_new_call_delivered_by_many_threads_at_once_is_stored_once(shared):
    def deliver(index):
        return lambda: services.call_record(provider="twilio", report=report(index))

    results = race([deliver(i) for i in range(THREADS)])
    assert sum(created for _call, created in results) == 1
    assert len({call.pk for call, _created in results}) == 1
    call = Call.objects.get()
    assert call.client == shared
    lead = Lead.objects.get()
    assert call.missed_lead == lead and lead.client == shared
