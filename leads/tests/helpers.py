"""What the leads tests share: employees with a custom role, the API paths, and a snapshot of
every row a refused request must leave as it was."""

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from clients.models import Client, ClientPhone
from documents.models import DocumentSequence, Estimate, Order, OrderStatusChange
from leads.models import Lead, LeadStatus, LeadStatusChange, LeadType, LostReason

HX = {"HTTP_HX_REQUEST": "true"}
LEADS = "/api/v1/leads/"

# Every table a lead page or endpoint may write to.
WRITTEN = (
    Lead,
    LeadStatusChange,
    LeadType,
    LeadStatus,
    LostReason,
    Client,
    ClientPhone,
    Order,
    OrderStatusChange,
    Estimate,
    DocumentSequence,
)


def snapshot() -> dict:
    """Every row of every table the lead pages and endpoints write, field by field."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WRITTEN}


def employee_with(*permissions: str, **fields):
    """An employee whose (custom) role grants exactly ``permissions``."""
    role = Role.objects.create(name=f"Custom {Role.objects.count()}", permissions=list(permissions))
    return EmployeeFactory(role=role, **fields)


def api_url(pk: int, action: str = "") -> str:
    return f"{LEADS}{pk}/{action + '/' if action else ''}"


def messages(body) -> str:
    """All error text of a 400 body, flattened, for "says why" assertions."""
    if isinstance(body, dict):
        return " ".join(messages(v) for v in body.values())
    if isinstance(body, list):
        return " ".join(messages(v) for v in body)
    return str(body)
