"""Every change to a work order goes through these functions (pages, API, commands, tests).

Each is one transaction: it locks the order row first (then the ledger locks the client and
the cashbox, always in that order), checks the rule against the locked values and writes.
A refused change raises ``OrderError`` (or the ledger's ``MoneyError`` for a bad amount) and
writes nothing. Money moves only through ``ledger.services``.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
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

from .checks import MAX_COMMENT, MAX_LONG_TEXT, clean_date, clean_employee, clean_text
from .hooks import status_changed
from .lines import line_changes, line_values, lines_total
from .models import Order, OrderItem, OrderStatus, OrderStatusChange
from .numbering import next_number

Group = OrderStatus.Group
FINISHED_GROUPS = (Group.CLOSED, Group.CANCELLED)
ORDER_FIELDS = {"order_type", "manager", "assignee", "malfunction", "description", "due_date"}
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
    return clean_text(value, field, error=OrderError, limit=limit, required=required)


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
            cleaned[name] = _text(cleaned[name], name, limit=MAX_LONG_TEXT)
    if "due_date" in cleaned:
        cleaned["due_date"] = clean_date(cleaned["due_date"], "due_date", error=OrderError)
    for name in ("manager", "assignee"):
        if name in cleaned:
            cleaned[name] = clean_employee(cleaned[name], name, error=OrderError)
    return cleaned


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("status").get(pk=order.pk)


def _refuse_if_finished(order: Order) -> None:
    if order.status.group == Group.CLOSED:
        raise OrderError(_("Order %(number)s is closed and cannot be changed.") % _num(order))
    if order.status.group == Group.CANCELLED:
        raise OrderError(_("Order %(number)s is cancelled and cannot be changed.") % _num(order))


def _num(order: Order) -> dict:
    return {"number": order.number}


def _record_status(*, actor, order: Order, status: OrderStatus, comment: str = "", **extra) -> None:
    """Move the (locked) order to ``status``, keep the step in its history and tell the
    apps listening (``documents.hooks``)."""
    from_status = order.status if order.pk and order.status_id else None
    OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=status,
        employee=actor,
        comment=comment,
    )
    Order.objects.filter(pk=order.pk).update(status=status, **extra)
    order.status = status
    for name, value in extra.items():
        setattr(order, name, value)
    status_changed(actor=actor, order=order, from_status=from_status, to_status=status)


def _recompute_total(order: Order) -> None:
    """Set the (locked) order's total from its lines, with ``documents.totals``."""
    total = lines_total(OrderItem.objects.filter(order=order), error=OrderError)
    Order.objects.filter(pk=order.pk).update(total=total)
    order.total = total


def _next_position(order: Order) -> int:
    return (OrderItem.objects.filter(order=order).aggregate(m=Max("position"))["m"] or 0) + 1


# --- creating and editing --------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    actor,
    client: Client,
    status: OrderStatus | None = None,
    items: Iterable[dict] = (),
    **fields,
) -> Order:
    """Open a work order for ``client``, numbered from the gap-free order sequence.

    Without ``status`` the order starts in the first active status of the New group; without
    a manager, the employee who opens it manages it. ``fields``: order_type, manager,
    assignee, malfunction, description, due_date. ``items``: lines to add at once (the
    arguments of ``order_item_add``).
    """
    fields.setdefault("manager", actor)
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
    status_changed(actor=actor, order=order, from_status=None, to_status=status)
    for line in items:
        order_item_add(actor=actor, order=order, **line)
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
def order_item_add(*, actor, order: Order, **line) -> OrderItem:
    """Add a line to an open order and recompute its total. ``line``: the arguments of
    ``documents.lines.line_values`` (kind, service or product, title, quantity, price,
    discount, discount_kind, warranty_days, assignee)."""
    locked = _lock(order)
    _refuse_if_finished(locked)
    values = line_values(error=OrderError, client=locked.client, **line)
    item = OrderItem.objects.create(order=locked, position=_next_position(locked), **values)
    _recompute_total(locked)
    order.total = locked.total
    return item


@transaction.atomic
def order_item_update(*, actor, item: OrderItem, **changes) -> OrderItem:
    """Change a line of an open order (title, quantity, price, discount, warranty, assignee)
    and recompute the order's total."""
    locked = _lock(item.order)
    _refuse_if_finished(locked)
    current = OrderItem.objects.get(pk=item.pk, order=locked)
    values = line_changes(current, changes, error=OrderError)
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
    # An exact value under the row lock, not F() arithmetic: SQLite adds decimals as floats.
    Order.objects.filter(pk=locked.pk).update(paid=locked.paid + payment.amount)
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
