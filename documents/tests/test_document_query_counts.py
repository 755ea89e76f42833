"""The Documents tab and the document dialogs read a fixed number of queries however many
documents a client has and however long a document is (lines, payments, status history,
returns)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests.factories import ClientFactory
from documents import estimates, orders, sales
from documents.models import Estimate, EstimateItem, Order, OrderItem, OrderStatus, Sale
from documents.tests.factories import ProductFactory, ServiceFactory
from documents.tests.page_helpers import HX
from ledger.models import Cashbox

pytestmark = pytest.mark.django_db

PAGE = 25  # rows on a page of the Documents tab


@dataclass(frozen=True)
class Size:
    documents: int  # in the client's Documents tab, the three below included
    lines: int  # lines, payments and status changes of the order; returns of the sale


SMALL, LARGE = Size(documents=3, lines=2), Size(documents=60, lines=40)
MAX_DIALOG_QUERIES = 20  # session, employee, the document, its rows, the forms' selects
MAX_PAGE_QUERIES = 33  # the dialog, the profile frame and one page of the tab


def documents_of_size(size: Size, *, boss, specialist, shop) -> dict:
    """A client whose order, estimate and sale have ``size.lines`` of everything, and as
    many other documents (written in bulk) as make ``size.documents``.

    Every kind of document, two employees and two statuses are on the tab's first page in
    both sizes; the dialogs show lines with and without a catalog item and an assignee,
    payments into two cashboxes by two employees, and returns with and without money paid
    back.
    """
    client = ClientFactory()
    people = [boss, specialist]
    order = orders.order_create(actor=boss, client=client, manager=specialist, assignee=boss)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            position=i,
            **_line(i, shop, people),
        )
        for i in range(size.lines)
    )
    Order.objects.filter(pk=order.pk).update(total=Decimal(10 * size.lines))
    statuses = [shop["in_progress"], shop["pending"]]
    for i in range(size.lines):
        actor = people[i % 2]
        box = shop["till"] if i % 2 else shop["bank"]
        orders.order_prepay(actor=actor, order=order, cashbox=box, amount=Decimal("1"))
        orders.order_status_set(actor=actor, order=order, status=statuses[i % 2], comment=f"#{i}")

    estimate = estimates.estimate_create(actor=boss, client=client, manager=specialist)
    EstimateItem.objects.bulk_create(
        EstimateItem(estimate=estimate, position=i, **_line(i, shop, people))
        for i in range(size.lines)
    )

    sold = [
        {"kind": "text", "title": f"Part {i}", "price": Decimal("10"), "assignee": people[i % 2]}
        for i in range(size.lines + 1)  # one line is left to return: the form is drawn
    ]
    sale = sales.sale_create(
        actor=boss,
        client=client,
        items=sold,
        settlement="cashbox",
        cashbox=shop["till"],
        manager=specialist,
    )
    for item in sale.items.order_by("pk")[: size.lines]:
        refund = shop["till"] if item.position % 2 else None
        sales.sale_return(
            actor=boss, sale=sale, lines={item.pk: Decimal("1")}, cashbox=refund, reason="x"
        )

    others = size.documents - 3
    new = OrderStatus.objects.get(group="new", name="New")
    # Newer than the three above, and the kinds interleaved: all are on the first page.
    start = timezone.now()

    def at(i: int):
        return start + timedelta(seconds=i + 1)

    Order.objects.bulk_create(
        Order(
            number=f"BULK-O-{client.pk}-{i}",
            client=client,
            status=statuses[i % 2] if i % 2 else new,
            manager=people[i % 2],
            created_by=boss,
            total=Decimal(i),
            created_at=at(i),
        )
        for i in range(0, others, 3)
    )
    Estimate.objects.bulk_create(
        Estimate(
            number=f"BULK-E-{client.pk}-{i}",
            client=client,
            manager=people[i % 2],
            created_by=boss,
            status=Estimate.Status.SENT,
            created_at=at(i),
        )
        for i in range(1, others, 3)
    )
    Sale.objects.bulk_create(
        Sale(
            number=f"BULK-S-{client.pk}-{i}",
            client=client,
            manager=people[i % 2],
            created_by=boss,
            settlement=Sale.Settlement.BALANCE,
            total=Decimal(i),
            created_at=at(i),
        )
        for i in range(2, others, 3)
    )
    assert Order.objects.filter(client=client).count() + Estimate.objects.filter(
        client=client
    ).count() + Sale.objects.filter(client=client).count() == (size.documents)
    return {"client": client, "order": order, "estimate": estimate, "sale": sale}


def _line(i: int, shop, people) -> dict:
    """A line of an order or estimate: every other one a catalog service with an assignee."""
    if i % 2:
        return {
            "kind": "service",
            "service": shop["service"],
            "title": f"Line {i}",
            "price": Decimal("10"),
            "assignee": people[i % 2],
        }
    return {"kind": "text", "title": f"Line {i}", "price": Decimal("10")}


def count_queries(http, path: str, expected: str, rows: int | None = None, **headers) -> int:
    """Queries run to answer ``path``; the answer must show ``expected`` (and ``rows``
    documents, when given)."""
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content.decode()
    assert expected in html, (path, expected)
    if rows is not None:
        assert html.count("data-document=") == rows, path
    return len(captured.captured_queries)


@pytest.fixture
def shop(db):
    return {
        "till": Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH),
        "bank": Cashbox.objects.create(title="Bank", kind=Cashbox.Kind.CASHLESS),
        "service": ServiceFactory(title="Screen replacement"),
        "product": ProductFactory(title="USB-C cable"),
        "in_progress": OrderStatus.objects.get(group="in_progress", name="In progress"),
        "pending": OrderStatus.objects.get(group="pending", name="Pending"),
    }


@pytest.fixture
def counts(client, manager, specialist, shop):
    """Query counts of the tab and each dialog with SMALL and then LARGE documents."""
    client.force_login(manager)
    own = Browser()
    own.force_login(specialist)

    def measure(size: Size) -> dict[str, int]:
        docs = documents_of_size(size, boss=manager, specialist=specialist, shop=shop)
        tab = f"/clients/{docs['client'].pk}/documents/"
        rows = min(size.documents, PAGE)
        last_line = f"Line {size.lines - 1}"
        order, estimate, sale = docs["order"], docs["estimate"], docs["sale"]
        row = "data-document="
        first_page = client.get(tab + "?part=list", **HX).content.decode()
        assert all(f'href="/{kind}s/' in first_page for kind in ("order", "estimate", "sale"))
        return {
            "tab": count_queries(client, tab, row, rows),
            "tab htmx": count_queries(client, tab, row, rows, **HX),
            "list": count_queries(client, tab + "?part=list", row, rows, **HX),
            "list of orders": count_queries(client, tab + "?part=list&type=order", row, **HX),
            # With 3 documents there is no page 2: the last page is shown instead.
            "list page 2": count_queries(client, tab + "?part=list&page=2", row, **HX),
            "list, only mine": count_queries(own, tab + "?part=list", row, **HX),
            "order dialog": count_queries(client, f"/orders/{order.pk}/", last_line, **HX),
            "order page": count_queries(client, f"/orders/{order.pk}/", last_line),
            "order dialog, only mine": count_queries(own, f"/orders/{order.pk}/", last_line, **HX),
            "estimate dialog": count_queries(client, f"/estimates/{estimate.pk}/", last_line, **HX),
            "estimate page": count_queries(client, f"/estimates/{estimate.pk}/", last_line),
            "sale dialog": count_queries(
                client, f"/sales/{sale.pk}/", f"Part {size.lines - 1} × 1", **HX
            ),
            "sale page": count_queries(client, f"/sales/{sale.pk}/", "Record return"),
        }

    return measure(SMALL), measure(LARGE)


def test_same_number_of_queries_with_few_and_many_documents(counts):
    small, large = counts
    assert small == large


def test_query_counts_are_small(counts):
    _, large = counts
    too_many = {
        name: n
        for name, n in large.items()
        if n > (MAX_PAGE_QUERIES if "dialog" not in name else MAX_DIALOG_QUERIES)
    }
    assert too_many == {}
