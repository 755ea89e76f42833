"""Moves of one asset from many threads at once (real threads, each on its own database
connection, released together by a barrier) never lose one: every transfer starts where the
previous one ended, and the asset is where the last one took it.

``asset_move`` reads the asset's warehouse under ``SELECT … FOR UPDATE``; this proves it on
PostgreSQL. SQLite serialises writers with ``BEGIN IMMEDIATE`` instead, and its in-memory
test database fails a second writer at once rather than queueing, so the test runs on
PostgreSQL only.
"""

import threading
from importlib import import_module
from itertools import pairwise

import pytest
from django.apps import apps
from django.db import connection, connections

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from assets import services
from assets.models import Asset, Transfer
from assets.tests.factories import WarehouseFactory
from clients.tests.factories import ClientFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    restore_builtin_roles()
    import_module("assets.migrations.0003_builtin_warehouses").create(apps, None)


def test_concurrent_moves_form_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; SQLite serialises writers itself")
    actor = EmployeeFactory(role_code="manager")
    asset = services.asset_create(actor=actor, serial="RACE-1", name="Phone", owner=ClientFactory())
    targets = [WarehouseFactory(name=f"Bench {i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def move(target):
        try:
            barrier.wait(timeout=10)
            services.asset_move(actor=actor, asset=Asset(pk=asset.pk), warehouse=target)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    transfers = list(Transfer.objects.filter(asset=asset).order_by("id"))
    assert len(transfers) == THREADS + 1
    for previous, current in pairwise(transfers):
        assert current.from_warehouse_id == previous.to_warehouse_id
    assert {t.to_warehouse_id for t in transfers[1:]} == {t.pk for t in targets}
    assert Asset.objects.get(pk=asset.pk).warehouse_id == transfers[-1].to_warehouse_id
