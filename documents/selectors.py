"""Reads about the catalog and documents that pages and the API share."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from core.text import fold

from .models import Estimate, Order, Sale

MAX_QUERY = 100
DOC_TYPES = ("order", "estimate", "sale")


def catalog_search(queryset: QuerySet, query: str) -> QuerySet:
    """Items whose title (or a product's SKU) contains every word of ``query``, accents and
    case ignored: "tela ip11" finds "Tela iPhone 11 (IP11-TL)"."""
    condition = Q()
    for word in fold((query or "")[:MAX_QUERY]).split():
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)


PICK_LIMIT = 20


@dataclass(frozen=True)
class CatalogChoice:
    """One item the line's catalog picker offers: its form value ("service:12") and what it
    shows."""

    value: str
    kind: str  # "service" or "product"
    title: str
    sku: str
    price: Decimal


def catalog_pick(
    employee, query: str, *, limit: int = PICK_LIMIT
) -> tuple[list[CatalogChoice], bool]:
    """The active services and products matching ``query`` (see ``catalog_search``) that a
    document line may be made of, by title, at most ``limit``; and whether there are more.

    Two bounded queries however large the catalog (a thousand items or a hundred thousand):
    each kind is read up to ``limit + 1`` rows through its search index.
    """
    from .models import Product, Service

    if not fold((query or "")[:MAX_QUERY]).split():
        return [], False
    found: list[CatalogChoice] = []
    for kind, model in (("service", Service), ("product", Product)):
        rows = catalog_search(model.objects.visible_to(employee).filter(active=True), query)
        fields = ("pk", "title", "price", "search_text") + (("sku",) if kind == "product" else ())
        for row in rows.order_by("search_text", "id").values(*fields)[: limit + 1]:
            found.append(
                CatalogChoice(
                    value=f"{kind}:{row['pk']}",
                    kind=kind,
                    title=row["title"],
                    sku=row.get("sku", ""),
                    price=row["price"],
                )
            )
    found.sort(key=lambda choice: (fold(choice.title), choice.kind, choice.value))
    return found[:limit], len(found) > limit


@dataclass
class DocumentRow:
    """One line of the Documents tab, whatever the document's type."""

    doc_type: str
    id: int
    number: str
    created_at: datetime
    total: Decimal
    employee_id: int | None
    status_code: str  # an order's status id, an estimate's status, a sale's return state
    employee: object = None
    status: object = None


def _rows(doc_type: str, queryset: QuerySet, status) -> QuerySet:
    return (
        queryset.annotate(
            doc_type=Value(doc_type, output_field=CharField()),
            employee_ref=Coalesce("manager_id", "created_by_id"),
            status_code=Cast(status, CharField()),
        )
        .values_list(
            "doc_type", "id", "number", "created_at", "total", "employee_ref", "status_code"
        )
        .order_by()
    )


def client_documents(client, employee, doc_type: str = "") -> QuerySet:
    """The client's orders, estimates and sales ``employee`` may see, newest first, as one
    list of rows (a UNION over the three tables, each read through its client index)."""
    parts = {
        "order": (Order, "status_id"),
        "estimate": (Estimate, "status"),
        "sale": (Sale, "settlement"),
    }
    chosen = [
        _rows(name, model.objects.visible_to(employee).filter(client=client), F(status))
        for name, (model, status) in parts.items()
        if not doc_type or doc_type == name
    ]
    first, *rest = chosen
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-created_at", "-id")


def documents_page(client, employee, doc_type: str, page_number) -> Page:
    """One page of the Documents tab, each row with its employee and status filled in by
    one query per kind, whatever the page holds."""
    from accounts.models import Employee

    from .models import OrderStatus

    page = Paginator(client_documents(client, employee, doc_type), 25).get_page(page_number)
    rows = [DocumentRow(*values) for values in page.object_list]
    employees = Employee.objects.in_bulk({row.employee_id for row in rows if row.employee_id})
    order_status_ids = {int(row.status_code) for row in rows if row.doc_type == "order"}
    statuses = OrderStatus.objects.in_bulk(order_status_ids) if order_status_ids else {}
    estimate_labels = dict(Estimate.Status.choices)
    sale_labels = dict(Sale.Settlement.choices)
    for row in rows:
        row.employee = employees.get(row.employee_id)
        if row.doc_type == "order":
            row.status = statuses.get(int(row.status_code))
        elif row.doc_type == "estimate":
            row.status = estimate_labels.get(row.status_code, row.status_code)
        else:
            row.status = sale_labels.get(row.status_code, row.status_code)
    page.object_list = rows
    return page


def client_open_orders(client, employee, limit: int = 5) -> list[Order]:
    """The client's work orders still in work (not closed or cancelled) that ``employee``
    may see, newest first, at most ``limit``, each with its status."""
    from .models import OrderStatus

    finished = (OrderStatus.Group.CLOSED, OrderStatus.Group.CANCELLED)
    return list(
        Order.objects.visible_to(employee)
        .filter(client=client)
        .exclude(status__group__in=finished)
        .select_related("status")
        .order_by("-created_at", "-id")[:limit]
    )
