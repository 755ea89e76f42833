"""The rules for a document line, shared by orders, estimates and sales.

A line is checked here before any document stores it: its kind matches its catalog item, the
item is still offered, the numbers pass ``documents.totals``, the title and warranty are in
range. The caller passes the error class its own service raises, so a refused line reads the
same as any other refusal of that document.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import TITLE_MAX, LineItem, Product, Service
from .services import MAX_WARRANTY_DAYS
from .totals import (
    DiscountKind,
    LineInput,
    LineKind,
    TotalsError,
    document_total,
    proposed_discount,
)

# The fields of a line that may change after it was added.
EDITABLE_FIELDS = (
    "title",
    "quantity",
    "price",
    "discount",
    "discount_kind",
    "warranty_days",
    "assignee",
)
# What a copy of a line (estimate → order) carries over.
COPIED_FIELDS = ("kind", "service", "product", *EDITABLE_FIELDS, "position")


def _numbers(error: type[ValidationError], **numbers) -> LineInput:
    try:
        return LineInput(**numbers)
    except TotalsError as refused:
        raise error(refused.message_dict) from None


def _title(value, error: type[ValidationError]) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise error({"title": [_("This field is required.")]})
    if len(title) > TITLE_MAX:
        raise error(
            {
                "title": [
                    _("Ensure this value has at most %(limit)d characters.") % {"limit": TITLE_MAX}
                ]
            }
        )
    return title


def _warranty(value, error: type[ValidationError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise error({"warranty_days": [_("Enter a whole number.")]})
    if not 0 <= value <= MAX_WARRANTY_DAYS:
        raise error(
            {
                "warranty_days": [
                    _("Enter a number of days from 0 to %(max)d.") % {"max": MAX_WARRANTY_DAYS}
                ]
            }
        )
    return value


def line_values(
    *,
    error: type[ValidationError],
    client,
    kind: str,
    service: Service | None = None,
    product: Product | None = None,
    title: str = "",
    quantity=Decimal("1"),
    price=None,
    discount=None,
    discount_kind: str = DiscountKind.PERCENT,
    warranty_days: int | None = None,
    assignee=None,
) -> dict:
    """The checked fields of a new line for ``client``'s document.

    The price, title and warranty default to the catalog item's; the discount defaults to
    the client's personal discount for this kind of line (in percent).
    """
    if kind not in LineKind.values:
        raise error({"kind": [_("Unknown line kind.")]})
    catalog = {LineKind.SERVICE: service, LineKind.PRODUCT: product}.get(kind)
    if kind == LineKind.SERVICE and (service is None or product is not None):
        raise error({"service": [_("Choose a service.")]})
    if kind == LineKind.PRODUCT and (product is None or service is not None):
        raise error({"product": [_("Choose a product.")]})
    if kind == LineKind.TEXT and (service is not None or product is not None):
        raise error({"kind": [_("A free-text line has no catalog item.")]})
    if kind == LineKind.TEXT and price is None:
        raise error({"price": [_("Enter a price.")]})
    if catalog is not None and not catalog.active:
        raise error({kind: [_("This item is no longer offered.")]})
    if assignee is not None and not assignee.is_active:
        raise error({"assignee": [_("This employee is no longer active.")]})

    if discount is None:
        discount = (
            proposed_discount(client, kind)
            if discount_kind == DiscountKind.PERCENT
            else Decimal("0")
        )
    numbers = _numbers(
        error,
        quantity=quantity,
        price=catalog.price if price is None else price,
        discount=discount,
        discount_kind=discount_kind,
    )
    if warranty_days is None:
        warranty_days = service.warranty_days if service is not None else 0
    return {
        "kind": kind,
        "service": service,
        "product": product,
        "title": _title(title or (catalog.title if catalog else ""), error),
        "quantity": numbers.quantity,
        "price": numbers.price,
        "discount": numbers.discount,
        "discount_kind": numbers.discount_kind,
        "warranty_days": _warranty(warranty_days, error),
        "assignee": assignee,
    }


def line_changes(current: LineItem, changes: dict, *, error: type[ValidationError]) -> dict:
    """The checked fields of ``current`` after ``changes`` (any of ``EDITABLE_FIELDS``)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {', '.join(sorted(unknown))}")
    merged = {name: changes.get(name, getattr(current, name)) for name in EDITABLE_FIELDS}
    assignee = merged["assignee"]
    if "assignee" in changes and assignee is not None and not assignee.is_active:
        raise error({"assignee": [_("This employee is no longer active.")]})
    numbers = _numbers(
        error,
        quantity=merged["quantity"],
        price=merged["price"],
        discount=merged["discount"],
        discount_kind=merged["discount_kind"],
    )
    return {
        "title": _title(merged["title"], error),
        "quantity": numbers.quantity,
        "price": numbers.price,
        "discount": numbers.discount,
        "discount_kind": numbers.discount_kind,
        "warranty_days": _warranty(merged["warranty_days"], error),
        "assignee": merged["assignee"],
    }


def lines_total(items, *, error: type[ValidationError]) -> Decimal:
    """The total of a document's lines (``documents.totals``), or the document's error."""
    try:
        return document_total(item.line_input() for item in items)
    except TotalsError as refused:
        raise error(refused.message_dict) from None


def copied_values(item: LineItem) -> dict:
    """A line's fields, to copy it into another document."""
    return {name: getattr(item, name) for name in COPIED_FIELDS}
