"""Every change to a sale goes through these functions (pages, API, tests).

A sale is completed when it is made: in one transaction it is numbered, its lines stored,
its total charged to the client's balance and, when paid now, the payment taken into a
cashbox. A return credits the client for the lines brought back and may pay money out.
The sale row is locked first, then the ledger locks the client and the cashbox. A refused
change raises ``SaleError`` (or the ledger's ``MoneyError``) and writes nothing.
"""

from collections.abc import Iterable
from decimal import Decimal, localcontext

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client
from core.money import format_money, quantize
from core.numbers import format_quantity
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import (
    DocumentRef,
    clean_amount,
    document_charge,
    document_credit,
    document_payment_record,
    document_refund,
)

from .checks import MAX_COMMENT, clean_employee, clean_text
from .lines import line_values, lines_total
from .models import Sale, SaleItem, SaleReturn, SaleReturnLine
from .numbering import next_number
from .totals import check_quantity

Settlement = Sale.Settlement
MAX_LINES = 200


class SaleError(ValidationError):
    """A sale or return was refused; nothing was written. The messages say why."""


def document_ref(sale: Sale) -> DocumentRef:
    """How the ledger refers to ``sale``."""
    return DocumentRef(type="sale", id=sale.pk, number=sale.number, client_id=sale.client_id)


def resolve_sale(sale_id: int) -> DocumentRef | None:
    """The ledger's document resolver for sales: the sale's reference, or None."""
    sale = Sale.objects.filter(pk=sale_id).only("pk", "number", "client_id").first()
    return document_ref(sale) if sale is not None else None


def explain_sale_entry(entry: LedgerEntry) -> str:
    """The ledger's undo hint for sales: a sale's entries are undone by a return."""
    number = {"number": entry.source_number}
    kinds = LedgerEntry.Kind
    if entry.kind == kinds.SALE_CHARGE:
        return _("This charge belongs to sale %(number)s: make a return to undo it.") % number
    if entry.kind == kinds.PAYMENT:
        return (
            _("This payment belongs to sale %(number)s: make a return with money back to undo it.")
            % number
        )
    if entry.kind == kinds.GOODS_RETURN:
        return (
            _("This credit belongs to a return of sale %(number)s; a return is not undone.")
            % number
        )
    return _("This refund belongs to a return of sale %(number)s; a return is not undone.") % number


def sale_quote(*, client: Client, items: Iterable[dict]) -> tuple[list[SaleItem], Decimal]:
    """The lines ``items`` make for ``client`` (unsaved, the client's discount proposed) and
    their total, checked as a sale checks them; writes nothing. The new-sale dialog shows it
    while the lines are typed, so the cashier sees the amount before taking the money."""
    items = list(items)
    if not items:
        raise SaleError({"items": [_("Add at least one line to the sale.")]})
    if len(items) > MAX_LINES:
        raise SaleError(
            {"items": [_("A sale may have at most %(max)d lines.") % {"max": MAX_LINES}]}
        )
    lines = [line_values(error=SaleError, client=client, **line) for line in items]
    rows = [SaleItem(position=index, **values) for index, values in enumerate(lines, start=1)]
    total = lines_total(rows, error=SaleError)
    if total <= 0:
        raise SaleError({"items": [_("A sale's total must be greater than zero.")]})
    return rows, total


@transaction.atomic
def sale_create(
    *,
    actor,
    client: Client,
    items: Iterable[dict],
    settlement: str,
    cashbox: Cashbox | None = None,
    manager=None,
    comment: str = "",
) -> Sale:
    """Make a completed sale of ``items`` (the arguments of ``documents.lines.line_values``).

    ``settlement="cashbox"``: the client pays the total now into ``cashbox`` and the balance
    ends where it was. ``"balance"``: the total is charged to the balance (an open advance
    offsets it).
    """
    if settlement not in Settlement.values:
        raise SaleError({"settlement": [_("Choose how the sale is paid: now or to the balance.")]})
    if settlement == Settlement.CASHBOX and cashbox is None:
        raise SaleError({"cashbox": [_("Choose the cashbox the payment goes into.")]})
    comment = clean_text(comment, "comment", error=SaleError, limit=MAX_COMMENT)
    manager = clean_employee(manager or actor, "manager", error=SaleError)
    rows, total = sale_quote(client=client, items=items)

    sale = Sale(
        client=client,
        manager=manager,
        settlement=settlement,
        comment=comment,
        total=total,
        created_by=actor,
    )
    sale.number = next_number("sale")
    sale.save()
    for row in rows:
        row.sale = sale
    SaleItem.objects.bulk_create(rows)
    ref = document_ref(sale)
    document_charge(
        actor=actor,
        client=client,
        amount=total,
        kind=LedgerEntry.Kind.SALE_CHARGE,
        document=ref,
        comment=comment,
    )
    if settlement == Settlement.CASHBOX:
        document_payment_record(
            actor=actor, client=client, cashbox=cashbox, amount=total, document=ref
        )
        Sale.objects.filter(pk=sale.pk).update(paid=total)
        sale.paid = total
    return sale


def _lock(sale: Sale) -> Sale:
    return Sale.objects.select_for_update(of=("self",)).select_related("client").get(pk=sale.pk)


def _quantity(value) -> Decimal:
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    except (ValueError, ArithmeticError):
        raise SaleError({"quantity": [_("Enter a quantity.")]}) from None
    if not quantity.is_finite():
        raise SaleError({"quantity": [_("Enter a quantity greater than zero.")]})
    errors: dict = {}
    check_quantity(quantity, errors)  # the range before the places: 1e400 has no places to count
    if errors:
        raise SaleError(errors)
    return quantity


def _return_amount(item: SaleItem, quantity: Decimal) -> Decimal:
    """What ``quantity`` of the line is worth: its share of the line total. The last units
    returned take what is left, so returning a line in parts credits exactly its total."""
    remaining = item.quantity - item.returned_quantity
    if quantity == remaining:
        return item.total - item.returned_amount
    with localcontext(prec=40):
        share = quantize(item.total * quantity / item.quantity)
    return min(share, item.total - item.returned_amount)


@transaction.atomic
def sale_return(
    *,
    actor,
    sale: Sale,
    lines: dict[int, Decimal] | None = None,
    cashbox: Cashbox | None = None,
    refund=None,
    reason: str = "",
) -> SaleReturn:
    """Take back goods of a sale: the client is credited what they are worth.

    ``lines`` maps sale line ids to the quantity returned; without it, everything not yet
    returned comes back. With ``cashbox`` money is paid back from it: ``refund`` (by default
    the credited amount), never more than what we then owe the client.
    """
    reason = clean_text(reason, "reason", error=SaleError, limit=MAX_COMMENT)
    locked = _lock(sale)
    items = {item.pk: item for item in SaleItem.objects.filter(sale=locked).order_by("pk")}
    if lines is None:
        lines = {pk: item.quantity - item.returned_quantity for pk, item in items.items()}
        lines = {pk: quantity for pk, quantity in lines.items() if quantity > 0}
        if not lines:
            raise SaleError(
                _("Everything sold in %(number)s was already returned.") % {"number": locked.number}
            )
    if not lines:
        raise SaleError({"lines": [_("Choose what is returned.")]})

    taken: list[tuple[SaleItem, Decimal, Decimal]] = []
    for item_id, raw_quantity in lines.items():
        item = items.get(item_id)
        if item is None:
            raise SaleError({"lines": [_("This line is not part of the sale.")]})
        quantity = _quantity(raw_quantity)
        if quantity > item.quantity - item.returned_quantity:
            raise SaleError(
                {
                    "lines": [
                        _("“%(title)s”: at most %(left)s can still be returned.")
                        % {
                            "title": item.title,
                            "left": format_quantity(item.quantity - item.returned_quantity),
                        }
                    ]
                }
            )
        taken.append((item, quantity, _return_amount(item, quantity)))
    amount = sum((value for _item, _quantity_, value in taken), start=Decimal("0"))
    if amount <= 0:
        raise SaleError({"lines": [_("The returned lines are worth nothing to credit.")]})

    ref = document_ref(locked)
    document_credit(actor=actor, client=locked.client, amount=amount, document=ref, comment=reason)
    refunded = Decimal("0")
    if cashbox is not None:
        refunded = clean_amount(amount if refund is None else refund, field="refund")
        if refunded > amount:
            raise SaleError({"refund": [_("Pay back at most what the return credits.")]})
        already = sum(r.refunded for r in locked.returns.all())
        if refunded > locked.paid - already:
            raise SaleError(
                {
                    "refund": [
                        _("Only %(left)s was paid for this sale and not yet paid back.")
                        % {"left": format_money(max(locked.paid - already, Decimal("0")))}
                    ]
                }
            )
        document_refund(
            actor=actor,
            client=locked.client,
            cashbox=cashbox,
            amount=refunded,
            note=reason,
            document=ref,
        )
    elif refund is not None:
        raise SaleError({"cashbox": [_("Choose the cashbox the money is paid back from.")]})

    record = SaleReturn.objects.create(
        sale=locked,
        amount=amount,
        refunded=refunded,
        cashbox=cashbox,
        reason=reason,
        created_by=actor,
    )
    # The new sums are computed here and written exactly, not as F() arithmetic: SQLite adds
    # decimals as floating point (33.34 × 3 there is 100.02000000000001), which the CHECK
    # constraints then refuse against the line's quantity and the sale's total. The sale row
    # is locked, so the values read above are current.
    for item, quantity, value in taken:
        SaleReturnLine.objects.create(
            sale_return=record, item=item, quantity=quantity, amount=value
        )
        SaleItem.objects.filter(pk=item.pk).update(
            returned_quantity=item.returned_quantity + quantity,
            returned_amount=item.returned_amount + value,
        )
    Sale.objects.filter(pk=locked.pk).update(returned=locked.returned + amount)
    sale.returned = locked.returned + amount
    return record


@transaction.atomic
def pay_sale_document(
    *, actor, document, cashbox: Cashbox, amount, note: str = "", allow_overpayment: bool = False
) -> Payment:
    """The ledger's payer for sales: a payment for a sale charged to the balance, made
    through the payments API, moves the sale's amount paid with it. A sale is paid at most
    its total less what returns credited, even with ``allow_overpayment`` (money beyond it
    is an advance, not a payment for the sale)."""
    locked = Sale.objects.select_for_update().get(pk=document.id)
    due = locked.total - locked.returned - locked.paid
    amount = clean_amount(amount)
    if amount > due:
        raise SaleError(
            {
                "amount": [
                    _("Sale %(number)s has only %(due)s left to pay.")
                    % {"number": locked.number, "due": format_money(max(due, Decimal("0")))}
                ]
            }
        )
    payment = document_payment_record(
        actor=actor,
        client=locked.client,
        cashbox=cashbox,
        amount=amount,
        document=document_ref(locked),
        note=note,
    )
    # Written as an exact value (the row is locked), not F() arithmetic: SQLite adds
    # decimals as floating point.
    Sale.objects.filter(pk=locked.pk).update(paid=locked.paid + payment.amount)
    return payment
