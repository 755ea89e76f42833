"""The catalog pages and endpoints read a fixed number of queries however big the catalog."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.text import fold
from documents.models import Product, Service

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 500
MAX_QUERIES = 6  # session (or token), employee and role, a count, one page of rows
HTMX = {"HTTP_HX_REQUEST": "true"}


def add_items(count: int, *, start: int) -> None:
    """``count`` services and products, written in bulk; every third one inactive.

    Titles and SKUs follow the index, not the id, so each search below finds rows with 10
    items as with 500.
    """
    indexes = range(start, start + count)
    Service.objects.bulk_create(
        Service(
            title=f"Reparo {i}",
            search_text=fold(f"Reparo {i}"),
            price=Decimal(i),
            warranty_days=i % 90,
            active=i % 3 != 0,
        )
        for i in indexes
    )
    Product.objects.bulk_create(
        Product(
            sku=f"SKU-{i:05d}",
            title=f"Peça {i}",
            search_text=fold(f"Peça {i} SKU-{i:05d}"),
            price=Decimal(i),
            cost=Decimal(i) / 2,
            active=i % 3 != 0,
        )
        for i in indexes
    )


def count_queries(http, path, params=None, **headers) -> int:
    """Queries run to answer ``path``; the answer must list at least one item."""
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, params or {}, **headers)
    assert response.status_code == 200, (path, response.status_code)
    if "json" in response["Content-Type"]:
        body = response.json()
        assert body.get("results", [body]), (path, params)
    else:
        assert "match." not in response.content.decode(), (path, params)
    return len(captured.captured_queries)


@pytest.fixture
def counts(client, manager, api_as):
    """Query counts of each page and endpoint with SMALL and then LARGE catalogs."""
    client.force_login(manager)
    api = api_as(manager)

    def measure() -> dict[str, int]:
        service = Service.objects.order_by("id").first()  # the same items in both rounds
        product = Product.objects.order_by("id").first()
        return {
            "services": count_queries(client, "/catalog/services/"),
            "services htmx": count_queries(client, "/catalog/services/", **HTMX),
            "services search": count_queries(client, "/catalog/services/", {"search": "reparo"}),
            "services inactive": count_queries(client, "/catalog/services/", {"active": "false"}),
            # With 10 items there is no page 2: the last page is shown instead.
            "services page 2": count_queries(client, "/catalog/services/", {"page": "2"}, **HTMX),
            "service edit": count_queries(client, f"/catalog/services/{service.pk}/edit/"),
            "products": count_queries(client, "/catalog/products/"),
            "products search": count_queries(client, "/catalog/products/", {"search": "sku-0"}),
            "product edit": count_queries(client, f"/catalog/products/{product.pk}/edit/"),
            "api services": count_queries(api, "/api/v1/services/"),
            "api products": count_queries(api, "/api/v1/products/"),
            "api products search": count_queries(api, "/api/v1/products/", {"search": "peca"}),
            "api product": count_queries(api, f"/api/v1/products/{product.pk}/"),
        }

    add_items(SMALL, start=0)
    small = measure()
    add_items(LARGE - SMALL, start=SMALL)
    assert Product.objects.count() == Service.objects.count() == LARGE
    large = measure()
    return small, large


def test_same_number_of_queries_with_10_and_500_items(counts):
    small, large = counts
    assert small == large


def test_query_counts_are_small(counts):
    _, large = counts
    too_many = {name: n for name, n in large.items() if n > MAX_QUERIES}
    assert too_many == {}
