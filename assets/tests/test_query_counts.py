"""The assets page, the client's Assets tab, the asset profile and the API read a fixed
number of queries however many assets (and transfers) there are: 10 or 5,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets import services
from assets.models import Asset, Transfer, serial_key
from assets.tests.factories import AssetGroupFactory, WarehouseFactory
from assets.tests.helpers import HX
from clients.tests.factories import ClientFactory
from core.text import fold

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 5_000
MAX_QUERIES = 16  # session, employee and role, a count, one page of rows, the frame's bits


def add_assets(count: int, *, owners, warehouses, group, start: int) -> None:
    """``count`` assets written in bulk, spread over owners (None: the company) and
    warehouses; serials and names follow the index so every search finds rows in both
    sizes."""
    rows = []
    for i in range(start, start + count):
        owner = owners[i % len(owners)]
        warehouse = warehouses[i % len(warehouses)]
        if owner is None and warehouse.kind == "client":
            warehouse = warehouses[1]
        serial, name = f"IMEI-{i:07d}", f"Galaxy A{i % 90}"
        rows.append(
            Asset(
                serial=serial,
                serial_key=serial_key(serial),
                name=name,
                search_name=fold(name),
                owner=owner,
                warehouse=warehouse,
                group=group,
                status="written_off" if i % 11 == 0 else "active",
            )
        )
    Asset.objects.bulk_create(rows, batch_size=1000)


def add_transfers(asset, count: int, warehouses, actor) -> None:
    Transfer.objects.bulk_create(
        [
            Transfer(
                asset=asset,
                from_warehouse=warehouses[i % 2],
                to_warehouse=warehouses[(i + 1) % 2],
                employee=actor,
                comment=f"Move {i}",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


def count_queries(http, path, params=None, **headers) -> int:
    """Queries run to answer ``path``; the answer must list at least one row."""
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, params or {}, **headers)
    assert response.status_code == 200, (path, response.status_code)
    if "json" in response["Content-Type"]:
        assert response.json()["results"], (path, params)
    else:
        html = response.content.decode()
        assert "No assets" not in html and "No moves yet." not in html, (path, params)
    return len(captured.captured_queries)


@pytest.fixture
def counts(client, manager, api_as, places):
    ana, bruno = ClientFactory(first_name="Ana"), ClientFactory(first_name="Bruno")
    owners = [ana, bruno, ana, None]
    warehouses = [places["client"], places["pending"], WarehouseFactory(name="Shelf B")]
    group = AssetGroupFactory(name="Smartphone")
    profiled = services.asset_create(actor=manager, serial="PROFILED", name="Galaxy S23", owner=ana)
    client.force_login(manager)
    api = api_as(manager)

    def measure() -> dict[str, int]:
        tab = f"/clients/{ana.pk}/assets/"
        asset = f"/assets/{profiled.pk}/"
        return {
            "page": count_queries(client, "/assets/"),
            "page htmx": count_queries(client, "/assets/", **HX),
            "page search": count_queries(client, "/assets/", {"search": "imei-00000"}),
            "page name search": count_queries(client, "/assets/", {"search": "galaxy a1"}),
            "page filtered": count_queries(
                client, "/assets/", {"warehouse": places["pending"].pk, "owner": "clients"}
            ),
            "page of a client": count_queries(client, "/assets/", {"client": ana.pk}),
            "page 2": count_queries(client, "/assets/", {"page": 2}),
            "tab": count_queries(client, tab, **HX),
            "tab in the profile": count_queries(client, tab),
            "profile": count_queries(client, asset),
            "history": count_queries(client, asset + "history/", **HX),
            "api list": count_queries(api, "/api/v1/assets/"),
            "api of a client": count_queries(api, "/api/v1/assets/", {"client": ana.pk}),
            "api serial": count_queries(api, "/api/v1/assets/", {"serial": "imei-0000001"}),
            "api transfers": count_queries(api, f"/api/v1/assets/{profiled.pk}/transfers/"),
        }

    add_assets(SMALL, owners=owners, warehouses=warehouses, group=group, start=0)
    add_transfers(profiled, SMALL, warehouses, manager)
    small = measure()
    add_assets(LARGE - SMALL, owners=owners, warehouses=warehouses, group=group, start=SMALL)
    add_transfers(profiled, LARGE - SMALL, warehouses, manager)
    assert Asset.objects.count() == LARGE + 1
    large = measure()
    return small, large


def test_same_number_of_queries_with_10_and_5000_assets(counts):
    small, large = counts
    assert small == large


def test_query_counts_are_small(counts):
    _, large = counts
    too_many = {name: n for name, n in large.items() if n > MAX_QUERIES}
    assert too_many == {}
