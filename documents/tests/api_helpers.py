"""What the order, estimate and sale API tests share: URLs, a snapshot of everything a
refused request must leave as it was, and reading a 400's messages."""

from clients.models import Client
from documents.models import (
    Estimate,
    EstimateItem,
    Order,
    OrderItem,
    OrderStatusChange,
    Sale,
    SaleItem,
    SaleReturn,
)
from ledger.models import Cashbox, IdempotencyKey, LedgerEntry, Payment

ORDERS = "/api/v1/orders/"
ESTIMATES = "/api/v1/estimates/"
SALES = "/api/v1/sales/"


def url(base: str, pk: int, action: str = "") -> str:
    return f"{base}{pk}/{action + '/' if action else ''}"


def balance(http, client_id: int) -> dict:
    response = http.get(f"/api/v1/clients/{client_id}/balance/")
    assert response.status_code == 200, response.content
    return response.json()


def key(value: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": value}


def snapshot() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "orders": sorted(
            Order.objects.values_list(
                "id", "status_id", "total", "paid", "closed_at", "manager_id", "assignee_id"
            )
        ),
        "order_items": sorted(
            OrderItem.objects.values_list("id", "order_id", "quantity", "price", "discount")
        ),
        "status_changes": OrderStatusChange.objects.count(),
        "estimates": sorted(Estimate.objects.values_list("id", "status", "total", "order_id")),
        "estimate_items": sorted(EstimateItem.objects.values_list("id", "quantity", "price")),
        "sales": sorted(Sale.objects.values_list("id", "total", "paid", "returned")),
        "sale_items": sorted(SaleItem.objects.values_list("id", "returned_quantity")),
        "returns": SaleReturn.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "payments": Payment.objects.count(),
        "keys": IdempotencyKey.objects.count(),
        "clients": sorted(Client.objects.values_list("id", "balance")),
        "cashboxes": sorted(Cashbox.objects.values_list("id", "balance")),
    }


def messages(body) -> str:
    """All error text of a 400 body, flattened, for "says why" assertions."""
    if isinstance(body, dict):
        return " ".join(messages(v) for v in body.values())
    if isinstance(body, list):
        return " ".join(messages(v) for v in body)
    return str(body)
