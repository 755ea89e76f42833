"""Leads changed at once from many threads (real threads, each on its own connection,
released together): one lead converted by everybody at the same moment makes one document
and one client, and leads created at once get unique, gap-free numbers.

The lead row's lock (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite)
serialises them; see ``documents/tests/test_documents_concurrency.py`` for the SQLite file
copy these tests run on.
"""

from importlib import import_module

import pytest
from django.apps import apps

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from clients.models import Client
from documents.models import Estimate, Order
from documents.tests.test_documents_concurrency import file_database, race
from leads import services
from leads.models import Lead

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def seller(tmp_path):
    with file_database(tmp_path):
        restore_builtin_roles()
        import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
        import_module("leads.migrations.0002_builtin_lists").create_lists(apps, None)
        yield EmployeeFactory(role_code="manager")


def test_a_lead_converted_by_everybody_at_once_makes_one_document_and_one_client(seller):
    lead = services.lead_create(
        actor=seller, contact_name="Ana Souza", contact_phone="(11) 98765-4321"
    )

    def converter(to):
        def convert():
            try:
                return services.lead_convert(actor=seller, lead=Lead.objects.get(pk=lead.pk), to=to)
            except services.LeadError:
                return None

        return convert

    results = race([converter("order" if i % 2 else "estimate") for i in range(THREADS)])
    made = [result for result in results if result is not None]
    assert len(made) == 1
    assert Order.objects.count() + Estimate.objects.count() == 1
    assert Client.objects.count() == 1
    lead.refresh_from_db()
    assert lead.result == made[0] and lead.client == made[0].client
    assert lead.status_changes.count() == 2


def test_leads_created_at_once_get_unique_consecutive_numbers(seller):
    def creator():
        return [
            services.lead_create(actor=seller, contact_phone="+5511987654321").number
            for _ in range(3)
        ]

    numbers = [number for numbers in race([creator] * THREADS) for number in numbers]
    assert sorted(numbers) == [f"L-{n:06d}" for n in range(1, THREADS * 3 + 1)]
    assert Lead.objects.count() == THREADS * 3
