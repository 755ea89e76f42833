"""Every change to a work order goes through these functions (pages, API, commands, tests).

Each is one transaction: it locks the order row first (then the ledger locks the client and
the cashbox, always in that order), checks the rule against the locked values and writes.
A refused change raises ``OrderError`` (or the ledger's ``MoneyError`` for a bad amount) and
writes nothing. Money moves only through ``ledger.services``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from core.money import format_money
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import (
    BALANCE_LIMIT,
    DocumentRef,
    clean_amount,
    document_charge,
    document_entry_reverse,
    document_payment_record,
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


def explain_order_entry(entry: LedgerEntry) -> str:
    """The ledger's undo hint for orders: an order's entries are undone by the order."""
    number = {"number": entry.source_number}
    if entry.kind == LedgerEntry.Kind.ORDER_CHARGE:
        return _("This charge belongs to order %(number)s: reopen the order to undo it.") % number
    return (
        _(
            "This payment belongs to order %(number)s and counts in what was paid for it: it "
            "cannot be reversed here. To give the money back, pay it out with “- Payment”."
        )
        % number
    )


ZERO = Decimal("0")


@dataclass(frozen=True)
class ClosePlan:
    """What closing an order does with the money, worked out from its total, what was paid
    for it and the client's balance: the close dialog shows it, ``order_close`` follows it.

    The client's credit other than this order's own payments (an advance, money left over
    from elsewhere) is "on account"; closing takes from it what is left to pay, and only the
    rest is paid now at the till or charged to the balance.
    """

    total: Decimal
    paid: Decimal
    balance: Decimal  # the client's balance now (this order's payments already in it)

    @property
    def rest(self) -> Decimal:
        """Left to pay on the order before the client's credit is used (negative: overpaid)."""
        return self.total - self.paid

    @property
    def overpaid(self) -> Decimal:
        return max(-self.rest, ZERO)

    @property
    def on_account(self) -> Decimal:
        """The client's credit besides what was paid for this order."""
        return max(-(self.balance + self.paid), ZERO)

    @property
    def from_advance(self) -> Decimal:
        return min(self.on_account, max(self.rest, ZERO))

    @property
    def left_to_pay(self) -> Decimal:
        """What the client still pays now (or owes on the balance) once the credit is used."""
        return max(self.rest, ZERO) - self.from_advance

    def balance_after(self, settlement: str) -> Decimal:
        paid_now = self.left_to_pay if settlement == Order.Settlement.CASHBOX else ZERO
        return self.balance + self.total - paid_now


def close_plan(order: Order, balance: Decimal | None = None) -> ClosePlan:
    """``order``'s close plan against ``balance`` (by default its client's stored balance)."""
    if balance is None:
        balance = order.client.balance
    return ClosePlan(total=order.total, paid=order.paid, balance=balance)


def first_status(group: str) -> OrderStatus:
    """The first active status of ``group``. A database emptied of statuses since the data
    migration (a test flush, a restore of the data alone) gets the group's default back."""
    status = OrderStatus.objects.filter(group=group, active=True).order_by("position", "id").first()
    if status is None:
        # Built in again (shown in each viewer's language) unless that built-in still exists.
        code = "" if OrderStatus.objects.filter(system_code=group).exists() else group
        status = OrderStatus.objects.create(
            name=Group(group).label, system_code=code, group=group, position=99
        )
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


def _surplus_message(order: Order, surplus: Decimal) -> str:
    values = {"surplus": format_money(surplus)}
    if order.paid > 0:
        return (
            _(
                "%(surplus)s more than is left to pay on the order will stay on the client's "
                "account. Confirm to take it anyway."
            )
            % values
        )
    return (
        _(
            "%(surplus)s more than the order total will stay on the client's account. Confirm "
            "to take it anyway."
        )
        % values
    )


@transaction.atomic
def order_prepay(
    *,
    actor,
    order: Order,
    cashbox: Cashbox,
    amount,
    note: str = "",
    allow_overpayment: bool = False,
) -> Order:
    """Take a prepayment for an open order into a cashbox (through the money service).

    More than is left to pay (the total less what was paid) is refused unless
    ``allow_overpayment``: the cashier confirmed that the surplus stays on the client's
    account."""
    locked = _lock(order)
    _refuse_if_finished(locked)
    amount = clean_amount(amount)
    surplus = amount - max(locked.total - locked.paid, ZERO)
    if surplus > 0 and not allow_overpayment:
        raise OrderError({"allow_overpayment": [_surplus_message(locked, surplus)]})
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
    """Close an order and settle it, in one transaction (see ``ClosePlan``).

    The total is charged to the client's balance, and the client's credit on account (an
    advance) covers what is left to pay as far as it goes. With ``settlement="cashbox"`` the
    rest is paid now into ``cashbox``, so the order leaves nothing owed on the balance; with
    ``"balance"`` the client owes the rest. An order without lines is not closed: there is
    nothing to charge or to call paid.
    """
    comment = _text(comment, "comment", limit=MAX_COMMENT)
    if settlement not in SETTLEMENTS:
        raise OrderError({"settlement": [_("Choose how to settle: a cashbox or the balance.")]})
    locked = _lock(order)
    if locked.status.group == Group.CLOSED:
        raise OrderError(_("Order %(number)s is already closed.") % _num(locked))
    if locked.status.group == Group.CANCELLED:
        raise OrderError(_("Order %(number)s is cancelled and cannot be closed.") % _num(locked))
    if not OrderItem.objects.filter(order=locked).exists():
        raise OrderError(
            _("Order %(number)s has no lines: add the work and parts before closing it.")
            % _num(locked)
        )
    # The client row next (the ledger locks it again in this transaction, then the cashbox):
    # the plan is made on the balance no one else can move before the charge is written.
    client = Client.objects.select_for_update().get(pk=locked.client_id)
    plan = close_plan(locked, client.balance)
    if settlement == "cashbox" and plan.left_to_pay > 0 and cashbox is None:
        raise OrderError({"cashbox": [_("Choose the cashbox the rest is paid into.")]})

    ref = document_ref(locked)
    if locked.total > 0:
        document_charge(
            actor=actor,
            client=client,
            amount=locked.total,
            kind=LedgerEntry.Kind.ORDER_CHARGE,
            document=ref,
            comment=comment,
        )
    paid_now = plan.left_to_pay if settlement == "cashbox" else ZERO
    if paid_now > 0:
        document_payment_record(
            actor=actor, client=client, cashbox=cashbox, amount=paid_now, document=ref
        )
    _record_status(
        actor=actor,
        order=locked,
        status=first_status(Group.CLOSED),
        comment=comment,
        closed_at=timezone.now(),
        paid=locked.paid + paid_now,
        settlement=settlement,
        paid_at_closing=paid_now,
        covered_by_advance=plan.from_advance,
        charged_to_balance=plan.left_to_pay - paid_now,
    )
    for name in CLOSING_FIELDS:
        setattr(order, name, getattr(locked, name))
    return order


CLOSING_FIELDS = (
    "status",
    "closed_at",
    "paid",
    "settlement",
    "paid_at_closing",
    "covered_by_advance",
    "charged_to_balance",
)


@transaction.atomic
def order_reopen(*, actor, order: Order, comment: str) -> Order:
    """Reopen a closed order: its charge is reversed on the client's balance and it goes back
    to the first In progress status. Payments taken for it stay (the money was received) and
    count as paid when it is closed again."""
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
    ref = document_ref(locked)
    for charge in charges:
        document_entry_reverse(actor=actor, entry=charge, document=ref, reason=comment)
    _record_status(
        actor=actor,
        order=locked,
        status=first_status(Group.IN_PROGRESS),
        comment=comment,
        closed_at=None,
        settlement="",
        paid_at_closing=ZERO,
        covered_by_advance=ZERO,
        charged_to_balance=ZERO,
    )
    for name in CLOSING_FIELDS:
        setattr(order, name, getattr(locked, name))
    return order


@transaction.atomic
def pay_order_document(
    *, actor, document, cashbox: Cashbox, amount, note: str = "", allow_overpayment: bool = False
) -> Payment:
    """The ledger's payer for orders: a payment for an order made through the payments API
    is a prepayment, so the order's amount paid moves with it (and more than is left to pay
    needs ``allow_overpayment``, as in the dialog)."""
    order = Order.objects.get(pk=document.id)
    order_prepay(
        actor=actor,
        order=order,
        cashbox=cashbox,
        amount=amount,
        note=note,
        allow_overpayment=allow_overpayment,
    )
    return Payment.objects.filter(document_type="order", document_id=order.pk).latest("id")
