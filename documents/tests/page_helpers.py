"""What the tests of the Documents pages share: a shop to sell from, employees with a custom
role, the form data of each action, and a snapshot of every row a refused request must leave
as it was."""

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from clients.models import Client
from documents.models import (
    DocumentSequence,
    Estimate,
    EstimateItem,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    Sale,
    SaleItem,
    SaleReturn,
    SaleReturnLine,
)
from ledger.models import Cashbox, LedgerEntry, Payment

HX = {"HTTP_HX_REQUEST": "true"}

# Every table a page of the documents app may write to.
WRITTEN = (
    Client,
    Cashbox,
    Payment,
    LedgerEntry,
    DocumentSequence,
    OrderStatus,
    Order,
    OrderItem,
    OrderStatusChange,
    Estimate,
    EstimateItem,
    Sale,
    SaleItem,
    SaleReturn,
    SaleReturnLine,
)


def snapshot() -> dict:
    """Every row of every table the documents pages write, field by field."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WRITTEN}


def employee_with(*permissions: str, **fields):
    """An employee whose (custom) role grants exactly ``permissions``."""
    role = Role.objects.create(name=f"Custom {Role.objects.count()}", permissions=list(permissions))
    return EmployeeFactory(role=role, **fields)


def service_line(service) -> dict:
    return {"item": f"service:{service.pk}", "quantity": "1", "discount_kind": "percent"}


def product_line(product, quantity="1") -> dict:
    return {"item": f"product:{product.pk}", "quantity": quantity, "discount_kind": "percent"}


def sale_data(*lines: dict, settlement="cashbox", cashbox=None) -> dict:
    """The "+ Sale" form: a management form, ``lines`` and how the sale is paid."""
    data = {
        "lines-TOTAL_FORMS": str(max(len(lines), 1)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "sale-settlement": settlement,
    }
    if cashbox is not None:
        data["sale-cashbox"] = str(cashbox.pk)
    for index, line in enumerate(lines):
        data.update({f"lines-{index}-{name}": value for name, value in line.items()})
    return data
