"""What the assets tests share: a snapshot of every row a refused request must leave as it
was, the files stored under MEDIA_ROOT, and employees with a custom role."""

from pathlib import Path

from django.conf import settings

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from assets.models import (
    Asset,
    AssetCustomField,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    OrderAsset,
    StatusMove,
    Transfer,
    Warehouse,
)
from documents.models import Order, OrderStatusChange

HX = {"HTTP_HX_REQUEST": "true"}

# Every table an assets page or endpoint may write to (orders: "+ Order" from an asset).
WRITTEN = (
    Asset,
    Transfer,
    OrderAsset,
    Warehouse,
    StatusMove,
    AssetGroup,
    Brand,
    AssetModel,
    Modification,
    AssetCustomField,
    Order,
    OrderStatusChange,
)


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def snapshot() -> dict:
    """Every row of every table the assets pages write, field by field, and every stored
    file."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in WRITTEN}
    return {**rows, "files": stored_files()}


def employee_with(*permissions: str, **fields):
    """An employee whose (custom) role grants exactly ``permissions``."""
    role = Role.objects.create(name=f"Custom {Role.objects.count()}", permissions=list(permissions))
    return EmployeeFactory(role=role, **fields)
