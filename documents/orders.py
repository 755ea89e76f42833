"""Every change to a work order goes through these functions (pages, API, commands, tests).

Each is one transaction: it locks the order row first (then the ledger locks the client and
the cashbox, always in that order), checks the rule against the locked values and writes.
A refused change raises ``OrderError`` (or the ledger's ``MoneyError`` for a bad amount) and
writes nothing. Money moves only through ``ledger.services``.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import (
    BALANCE_LIMIT,
    DocumentRef,
    document_charge,
    document_payment_record,
    entry_reverse,
)

from .models import TITLE_MAX, Order, OrderItem, OrderStatus, OrderStatusChange, Product, Service
from .numbering import next_number
from .services import MAX_WARRANTY_DAYS
from .totals import (
    DiscountKind,
    LineInput,
    LineKind,
    TotalsError,
    document_total,
    proposed_discount,
)

Group = OrderStatus.Group
FINISHED_GROUPS = (Group.CLOSED, Group.CANCELLED)
ORDER_FIELDS = {"order_type", "manager", "assignee", "malfunction", "description", "due_date"}
ITEM_FIELDS = {
    "title",
    "quantity",
    "price",
    "discount",
    "discount_kind",
    "warranty_days",
    "assignee",
}
MAX_COMMENT = 500
SETTLEMENTS = ("cashbox", "balance")


class OrderError(ValidationError):
    """A work-order change was refused; nothing was written. The messages say why."""


# --- helpers ---------------------------------------------------------------------------------


def document_ref(order: Order) -> DocumentRef:
    """How the ledger refers to ``order``."""
    return DocumentRef(type="order", id=order.pk, number=order.number, client_id=order.client_id)


def resolve_order(order_id: int) -> DocumentRef | None:
    """The ledger's document resolver for orders: the order's reference, or None."""
    order = Order.objects.filter(pk=order_id).only("pk", "number", "client_id").first()
    return document_ref(order) if order is not None else None


def first_status(group: str) -> OrderStatus:
    """The first active status of ``group``. A database emptied of statuses since the data
    migration (a test flush, a restore of the data alone) gets the group's default back."""
    status = OrderStatus.objects.filter(group=group, active=True).order_by("position", "id").first()
    if status is None:
        status = OrderStatus.objects.create(name=Group(group).label, group=group, position=99)
    return status


def _text(value, field: str, *, limit: int | None = None, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise OrderError({field: [_("This field is required.")]})
    if limit is not None and len(text) > limit:
        raise OrderError(
            {field: [_("Ensure this value has at most %(limit)d characters.") % {"limit": limit}]}
        )
    return text


def _order_fields(fields: dict) -> dict:
    """The order's own fields, checked; unknown names are a programming error."""
    unknown = set(fields) - ORDER_FIELDS
    if unknown:
        raise TypeError(f"unknown order fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    if "order_type" in cleaned:
        cleaned["order_type"] = _text(cleaned["order_type"], "order_type", limit=64)
    for name in ("malfunction", "description"):
        if name in cleaned:
            cleaned[name] = _text(cleaned[name], name, limit=5000)
    due = cleaned.get("due_date")
    if due is not None and not isinstance(due, date):
        raise OrderError({"due_date": [_("Enter a valid date.")]})
    return cleaned


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("status").get(pk=order.pk)


def _refuse_if_finished(order: Order) -> None:
    if order.status.group == Group.CLOSED:
        raise OrderError(_("Order %(number)s is closed and cannot be changed.") % _num(order))
    if order.status.group == Group.CANCELLED:
        raise OrderError(_("Order %(number)s is cancelled and cannot be changed.") % _num(order))


def _num(order: Order) -> dict:
    return {"number": order.number}


def _record_status(*, actor, order: Order, status: OrderStatus, comment: str = "", **extra) -> None:
    """Move the (locked) order to ``status`` and keep the step in its history."""
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status if order.pk and order.status_id else None,
        to_status=status,
        employee=actor,
        comment=comment,
    )
    Order.objects.filter(pk=order.pk).update(status=status, **extra)
    order.status = status
    for name, value in extra.items():
        setattr(order, name, value)


def _line(**numbers) -> LineInput:
    try:
        return LineInput(**numbers)
    except TotalsError as error:
        raise OrderError(error.message_dict) from None


def _recompute_total(order: Order) -> None:
    """Set the (locked) order's total from its lines, with ``documents.totals``."""
    items = OrderItem.objects.filter(order=order)
    try:
        total = document_total(item.line_input() for item in items)
    except TotalsError as error:
        raise OrderError(error.message_dict) from None
    Order.objects.filter(pk=order.pk).update(total=total)
    order.total = total


def _warranty(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OrderError({"warranty_days": [_("Enter a whole number.")]})
    if not 0 <= value <= MAX_WARRANTY_DAYS:
        raise OrderError(
            {
                "warranty_days": [
                    _("Enter a number of days from 0 to %(max)d.") % {"max": MAX_WARRANTY_DAYS}
                ]
            }
        )
    return value


# --- creating and editing --------------------------------------------------------------------


@transaction.atomic
def order_create(*, actor, client: Client, status: OrderStatus | None = None, **fields) -> Order:
    """Open a work order for ``client``, numbered from the gap-free order sequence.

    Without ``status`` the order starts in the first active status of the New group.
    ``fields``: order_type, manager, assignee, malfunction, description, due_date.
    """
    cleaned = _order_fields(fields)
    if status is None:
        status = first_status(Group.NEW)
    elif not status.active or status.group in FINISHED_GROUPS:
        raise OrderError({"status": [_("A new order needs an active, open status.")]})
    order = Order(client=client, status=status, created_by=actor, **cleaned)
    # Taken last, right before the insert: the sequence row stays locked the shortest time.
    order.number = next_number("order")
    order.save()
    OrderStatusChange.objects.create(order=order, to_status=status, employee=actor)
    return order


@transaction.atomic
def order_update(*, actor, order: Order, **fields) -> Order:
    """Change the order's own fields (type, people, texts, due date) while it is open."""
    cleaned = _order_fields(fields)
    locked = _lock(order)
    _refuse_if_finished(locked)
    if cleaned:
        Order.objects.filter(pk=locked.pk).update(**cleaned)
    for name, value in cleaned.items():
        setattr(order, name, value)
    return order


@transaction.atomic
def order_item_add(
    *,
    actor,
    order: Order,
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
) -> OrderItem:
    """Add a line to an open order and recompute its total.

    The price, title and warranty default to the catalog item's; the discount defaults to
    the client's personal discount for this kind of line (in percent).
    """
    locked = _lock(order)
    _refuse_if_finished(locked)
    if kind not in LineKind.values:
        raise OrderError({"kind": [_("Unknown line kind.")]})
    catalog = {LineKind.SERVICE: service, LineKind.PRODUCT: product}.get(kind)
    if kind == LineKind.SERVICE and (service is None or product is not None):
        raise OrderError({"service": [_("Choose a service.")]})
    if kind == LineKind.PRODUCT and (product is None or service is not None):
        raise OrderError({"product": [_("Choose a product.")]})
    if kind == LineKind.TEXT and (service is not None or product is not None):
        raise OrderError({"kind": [_("A free-text line has no catalog item.")]})
    if kind == LineKind.TEXT and price is None:
        raise OrderError({"price": [_("Enter a price.")]})
    if catalog is not None and not catalog.active:
        raise OrderError({kind: [_("This item is no longer offered.")]})

    if discount is None:
        discount = (
            proposed_discount(locked.client, kind)
            if discount_kind == DiscountKind.PERCENT
            else Decimal("0")
        )
    line = _line(
        quantity=quantity,
        price=catalog.price if price is None else price,
        discount=discount,
        discount_kind=discount_kind,
    )
    title = _text(
        title or (catalog.title if catalog else ""), "title", limit=TITLE_MAX, required=True
    )
    if warranty_days is None:
        warranty_days = service.warranty_days if service is not None else 0
    position = (OrderItem.objects.filter(order=locked).aggregate(m=Max("position"))["m"] or 0) + 1
    item = OrderItem.objects.create(
        order=locked,
        kind=kind,
        service=service,
        product=product,
        title=title,
        quantity=line.quantity,
        price=line.price,
        discount=line.discount,
        discount_kind=line.discount_kind,
        warranty_days=_warranty(warranty_days),
        assignee=assignee,
        position=position,
    )
    _recompute_total(locked)
    order.total = locked.total
    return item


@transaction.atomic
def order_item_update(*, actor, item: OrderItem, **changes) -> OrderItem:
    """Change a line of an open order (title, quantity, price, discount, warranty, assignee)
    and recompute the order's total."""
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields: {', '.join(sorted(unknown))}")
    locked = _lock(item.order)
    _refuse_if_finished(locked)
    current = OrderItem.objects.get(pk=item.pk, order=locked)
    merged = {name: changes.get(name, getattr(current, name)) for name in ITEM_FIELDS}
    line = _line(
        quantity=merged["quantity"],
        price=merged["price"],
        discount=merged["discount"],
        discount_kind=merged["discount_kind"],
    )
    values = {
        "title": _text(merged["title"], "title", limit=TITLE_MAX, required=True),
        "quantity": line.quantity,
        "price": line.price,
        "discount": line.discount,
        "discount_kind": line.discount_kind,
        "warranty_days": _warranty(merged["warranty_days"]),
        "assignee": merged["assignee"],
    }
    OrderItem.objects.filter(pk=current.pk).update(**values)
    _recompute_total(locked)
    for name, value in values.items():
        setattr(item, name, value)
    item.order.total = locked.total
    return item


@transaction.atomic
def order_item_remove(*, actor, item: OrderItem) -> None:
    """Remove a line from an open order and recompute the order's total."""
    locked = _lock(item.order)
    _refuse_if_finished(locked)
    OrderItem.objects.filter(pk=item.pk, order=locked).delete()
    _recompute_total(locked)
    item.order.total = locked.total


# --- status ----------------------------------------------------------------------------------


@transaction.atomic
def order_status_set(*, actor, order: Order, status: OrderStatus, comment: str = "") -> Order:
    """Move an order to another status and keep the step in its history.

    Closing goes through ``order_close`` (it settles the money); a closed order is reopened
    with ``order_reopen``. Cancelling is refused once anything was paid for the order.
    """
    comment = _text(comment, "comment", limit=MAX_COMMENT)
    locked = _lock(order)
    if locked.status.group == Group.CLOSED:
        raise OrderError(
            _("Order %(number)s is closed; reopen it to change its status.") % _num(locked)
        )
    if not status.active:
        raise OrderError({"status": [_("This status is inactive.")]})
    if status.group == Group.CLOSED:
        raise OrderError({"status": [_("Close the order to settle it; its status follows.")]})
    if status.group == Group.CANCELLED and locked.paid > 0:
        raise OrderError({"status": [_("Money was paid for this order: it cannot be cancelled.")]})
    if status.pk != locked.status_id:
        _record_status(actor=actor, order=locked, status=status, comment=comment)
    order.status = locked.status
    return order


# --- money -----------------------------------------------------------------------------------


@transaction.atomic
def order_prepay(*, actor, order: Order, cashbox: Cashbox, amount, note: str = "") -> Order:
    """Take a prepayment for an open order into a cashbox (through the money service)."""
    locked = _lock(order)
    _refuse_if_finished(locked)
    payment = document_payment_record(
        actor=actor,
        client=locked.client,
        cashbox=cashbox,
        amount=amount,
        document=document_ref(locked),
        note=note,
    )
    if locked.paid + payment.amount > BALANCE_LIMIT:
        raise OrderError({"amount": [_("The amount paid for the order would be out of range.")]})
    Order.objects.filter(pk=locked.pk).update(paid=F("paid") + payment.amount)
    order.paid = locked.paid + payment.amount
    return order


@transaction.atomic
def order_close(
    *,
    actor,
    order: Order,
    settlement: str,
    cashbox: Cashbox | None = None,
    comment: str = "",
) -> Order:
    """Close an order and settle it, in one transaction.

    The total is charged to the client's balance. With ``settlement="cashbox"`` the rest
    (total less what was paid) is paid now into ``cashbox``, so the order leaves nothing on
    the balance; with ``"balance"`` the rest stays on the balance (an open advance offsets it).
    """
    comment = _text(comment, "comment", limit=MAX_COMMENT)
    if settlement not in SETTLEMENTS:
        raise OrderError({"settlement": [_("Choose how to settle: a cashbox or the balance.")]})
    locked = _lock(order)
    if locked.status.group == Group.CLOSED:
        raise OrderError(_("Order %(number)s is already closed.") % _num(locked))
    if locked.status.group == Group.CANCELLED:
        raise OrderError(_("Order %(number)s is cancelled and cannot be closed.") % _num(locked))
    rest = locked.total - locked.paid
    if settlement == "cashbox" and rest > 0 and cashbox is None:
        raise OrderError({"cashbox": [_("Choose the cashbox the rest is paid into.")]})

    ref = document_ref(locked)
    if locked.total > 0:
        document_charge(
            actor=actor,
            client=locked.client,
            amount=locked.total,
            kind=LedgerEntry.Kind.ORDER_CHARGE,
            document=ref,
            comment=comment,
        )
    paid = locked.paid
    if settlement == "cashbox" and rest > 0:
        document_payment_record(
            actor=actor, client=locked.client, cashbox=cashbox, amount=rest, document=ref
        )
        paid += rest
    _record_status(
        actor=actor,
        order=locked,
        status=first_status(Group.CLOSED),
        comment=comment,
        closed_at=timezone.now(),
        paid=paid,
    )
    order.status, order.closed_at, order.paid = locked.status, locked.closed_at, locked.paid
    return order


@transaction.atomic
def order_reopen(*, actor, order: Order, comment: str) -> Order:
    """Reopen a closed order: its charge is reversed on the client's balance and it goes back
    to the first In progress status. Payments taken for it stay (the money was received)."""
    comment = _text(comment, "comment", limit=MAX_COMMENT, required=True)
    locked = _lock(order)
    if locked.status.group != Group.CLOSED:
        raise OrderError(_("Order %(number)s is not closed.") % _num(locked))
    charges = LedgerEntry.objects.filter(
        source_type="order",
        source_id=locked.pk,
        kind=LedgerEntry.Kind.ORDER_CHARGE,
        reversed_by__isnull=True,
    ).order_by("pk")
    for charge in charges:
        entry_reverse(actor=actor, entry=charge, reason=comment)
    _record_status(
        actor=actor,
        order=locked,
        status=first_status(Group.IN_PROGRESS),
        comment=comment,
        closed_at=None,
    )
    order.status, order.closed_at = locked.status, None
    return order


@transaction.atomic
def pay_order_document(*, actor, document, cashbox: Cashbox, amount, note: str = "") -> Payment:
    """The ledger's payer for orders: a payment for an order made through the payments API
    is a prepayment, so the order's amount paid moves with it."""
    order = Order.objects.get(pk=document.id)
    order_prepay(actor=actor, order=order, cashbox=cashbox, amount=amount, note=note)
    return Payment.objects.filter(document_type="order", document_id=order.pk).latest("id")
