"""Every money operation. Nothing else writes cashboxes, payments or ledger entries.

Each function is one transaction: it locks the client row, then the cashbox row (always in
that order, so two operations never wait on each other crosswise), checks the rule against
the locked values, writes the immutable rows and moves the stored balances. On SQLite the
whole transaction holds the database's write lock from its first statement (IMMEDIATE), which
gives the same guarantee.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client
from clients.services import register_delete_guard
from core.money import MAX_AMOUNT, format_money, quantize

from .models import Cashbox, LedgerEntry, Payment

# Stored balances are numeric(14, 2): refuse any operation that would leave that range.
BALANCE_LIMIT = Decimal("999999999999.99")
MAX_TEXT = 500


class MoneyError(ValidationError):
    """A money rule refused the operation; nothing was written. The message says why."""


@dataclass(frozen=True)
class DocumentRef:
    """The order or sale a payment or charge belongs to (owned by the documents app)."""

    type: str
    id: int
    number: str
    client_id: int | None = None


def clean_amount(value, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """A money amount in the currency's places; zero, too many decimals or too big refused."""
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
        rounded = quantize(amount)
    except (ValueError, ArithmeticError):
        raise MoneyError({field: [_("Enter an amount.")]}) from None
    if rounded != amount:
        raise MoneyError({field: [_("Use at most two decimal places.")]})
    if rounded == 0 and allow_negative:
        raise MoneyError({field: [_("Enter an amount other than zero.")]})
    if rounded <= 0 and not allow_negative:
        raise MoneyError({field: [_("Enter an amount greater than zero.")]})
    if abs(rounded) > MAX_AMOUNT:
        raise MoneyError(
            {field: [_("The amount may be at most %(max)s.") % {"max": format_money(MAX_AMOUNT)}]}
        )
    return rounded


def _clean_text(value: str, field: str, *, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise MoneyError({field: [_("This field is required.")]})
    if len(text) > MAX_TEXT:
        raise MoneyError(
            {
                field: [
                    _("Ensure this value has at most %(limit)d characters.") % {"limit": MAX_TEXT}
                ]
            }
        )
    return text


def _lock_client(client: Client) -> Client:
    return Client.objects.select_for_update().get(pk=client.pk)


def _lock_cashbox(cashbox: Cashbox) -> Cashbox:
    locked = Cashbox.objects.select_for_update().get(pk=cashbox.pk)
    if not locked.active:
        raise MoneyError({"cashbox": [_("This cashbox is inactive.")]})
    return locked


def _write_payment(
    *,
    cashbox: Cashbox,
    direction: str,
    amount: Decimal,
    category: str,
    actor,
    client: Client | None = None,
    note: str = "",
    document: DocumentRef | None = None,
    reverses: Payment | None = None,
) -> Payment:
    """Insert a payment and move the (locked) cashbox's balance."""
    delta = amount if direction == Payment.Direction.INCOME else -amount
    new_balance = cashbox.balance + delta
    if cashbox.kind == Cashbox.Kind.CASH and new_balance < 0:
        raise MoneyError(
            {
                "cashbox": [
                    _("The cashbox “%(cashbox)s” holds only %(balance)s.")
                    % {"cashbox": cashbox.title, "balance": format_money(cashbox.balance)}
                ]
            }
        )
    if abs(new_balance) > BALANCE_LIMIT:
        raise MoneyError({"amount": [_("The cashbox balance would be out of range.")]})
    Cashbox.objects.filter(pk=cashbox.pk).update(balance=new_balance)
    cashbox.balance = new_balance
    return Payment.objects.create(
        cashbox=cashbox,
        direction=direction,
        amount=amount,
        category=category,
        client=client,
        note=note,
        employee=actor,
        document_type=document.type if document else "",
        document_id=document.id if document else None,
        document_number=document.number if document else "",
        cashbox_balance_after=new_balance,
        reverses=reverses,
    )


def _write_entry(
    *,
    client: Client,
    kind: str,
    amount: Decimal,
    actor,
    comment: str = "",
    payment: Payment | None = None,
    document: DocumentRef | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Append an entry and move the (locked) client's stored balance in the same transaction."""
    new_balance = client.balance + amount
    if abs(new_balance) > BALANCE_LIMIT:
        raise MoneyError({"amount": [_("The client's balance would be out of range.")]})
    Client.objects.filter(pk=client.pk).update(balance=new_balance)
    client.balance = new_balance
    return LedgerEntry.objects.create(
        client=client,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        comment=comment,
        author=actor,
        payment=payment,
        source_type=document.type if document else "",
        source_id=document.id if document else None,
        source_number=document.number if document else "",
        reverses=reverses,
    )


def _client_money(
    *,
    actor,
    client: Client,
    cashbox: Cashbox,
    direction: str,
    amount: Decimal,
    category: str,
    entry_kind: str,
    note: str,
    document: DocumentRef | None = None,
) -> Payment:
    """Money between a (locked) client and a (locked) cashbox: the payment and its mirror
    entry. Money coming in lowers what the client owes; money going out raises it."""
    payment = _write_payment(
        cashbox=cashbox,
        direction=direction,
        amount=amount,
        category=category,
        actor=actor,
        client=client,
        note=note,
        document=document,
    )
    _write_entry(
        client=client,
        kind=entry_kind,
        amount=-payment.signed_amount,
        actor=actor,
        comment=note,
        payment=payment,
        document=document,
    )
    return payment


@transaction.atomic
def advance_accept(*, actor, client: Client, cashbox: Cashbox, amount, note: str = "") -> Payment:
    """Take money from the client into a cashbox: the balance moves toward "we owe"."""
    amount = clean_amount(amount)
    note = _clean_text(note, "note")
    client = _lock_client(client)
    return _client_money(
        actor=actor,
        client=client,
        cashbox=_lock_cashbox(cashbox),
        direction=Payment.Direction.INCOME,
        amount=amount,
        category=Payment.Category.ADVANCE,
        entry_kind=LedgerEntry.Kind.ADVANCE,
        note=note,
    )


@transaction.atomic
def refund_pay(*, actor, client: Client, cashbox: Cashbox, amount, note: str = "") -> Payment:
    """Pay money back to the client from a cashbox.

    Refused when it exceeds what we owe the client, or what a cash cashbox holds.
    """
    amount = clean_amount(amount)
    note = _clean_text(note, "note")
    client = _lock_client(client)
    owed = -client.balance
    if owed <= 0:
        raise MoneyError({"amount": [_("We owe this client nothing: there is nothing to refund.")]})
    if amount > owed:
        raise MoneyError(
            {
                "amount": [
                    _("The refund exceeds what we owe the client (%(owed)s).")
                    % {"owed": format_money(owed)}
                ]
            }
        )
    return _client_money(
        actor=actor,
        client=client,
        cashbox=_lock_cashbox(cashbox),
        direction=Payment.Direction.EXPENSE,
        amount=amount,
        category=Payment.Category.REFUND,
        entry_kind=LedgerEntry.Kind.REFUND,
        note=note,
    )


@transaction.atomic
def document_payment_record(
    *, actor, client: Client, cashbox: Cashbox, amount, document: DocumentRef, note: str = ""
) -> Payment:
    """The client pays for an order or a sale into a cashbox."""
    amount = clean_amount(amount)
    note = _clean_text(note, "note")
    category = (
        Payment.Category.SALE_PAYMENT if document.type == "sale" else Payment.Category.ORDER_PAYMENT
    )
    return _client_money(
        actor=actor,
        client=_lock_client(client),
        cashbox=_lock_cashbox(cashbox),
        direction=Payment.Direction.INCOME,
        amount=amount,
        category=category,
        entry_kind=LedgerEntry.Kind.PAYMENT,
        note=note,
        document=document,
    )


CHARGE_KINDS = (LedgerEntry.Kind.ORDER_CHARGE, LedgerEntry.Kind.SALE_CHARGE)


@transaction.atomic
def document_charge(
    *, actor, client: Client, amount, kind: str, document: DocumentRef, comment: str = ""
) -> LedgerEntry:
    """Charge the client for a closed order or a completed sale: the balance moves toward
    "the client owes us" by ``amount``. No money moves; payments are recorded separately."""
    if kind not in CHARGE_KINDS:
        raise ValueError(f"not a document charge kind: {kind!r}")
    amount = clean_amount(amount)
    comment = _clean_text(comment, "comment")
    client = _lock_client(client)
    return _write_entry(
        client=client, kind=kind, amount=amount, actor=actor, comment=comment, document=document
    )


@transaction.atomic
def document_credit(
    *, actor, client: Client, amount, document: DocumentRef, comment: str = ""
) -> LedgerEntry:
    """Credit the client for goods they returned: the balance moves toward "we owe" by
    ``amount``. No money moves; paying it back is a refund."""
    amount = clean_amount(amount)
    comment = _clean_text(comment, "comment")
    client = _lock_client(client)
    return _write_entry(
        client=client,
        kind=LedgerEntry.Kind.GOODS_RETURN,
        amount=-amount,
        actor=actor,
        comment=comment,
        document=document,
    )


@transaction.atomic
def document_refund(
    *, actor, client: Client, cashbox: Cashbox, amount, document: DocumentRef, note: str = ""
) -> Payment:
    """Pay money back from a cashbox for a document (goods returned from a paid sale).

    Unlike ``refund_pay`` it is not limited to what we owe the client overall: a client who
    owes for a repair still gets cash back for returned goods they paid cash for. The
    documents app limits it to what the return credited; a cash cashbox still cannot go
    below zero.
    """
    amount = clean_amount(amount)
    note = _clean_text(note, "note")
    client = _lock_client(client)
    return _client_money(
        actor=actor,
        client=client,
        cashbox=_lock_cashbox(cashbox),
        direction=Payment.Direction.EXPENSE,
        amount=amount,
        category=Payment.Category.REFUND,
        entry_kind=LedgerEntry.Kind.REFUND,
        note=note,
        document=document,
    )


# A document keeps its own "amount paid". A payment for a document that arrives through the
# payments API goes through the documents app's own function, registered per type here, so
# the document and the ledger move together. The ledger imports no document code.
_document_payers: dict = {}


def register_document_payer(doc_type: str, pay) -> None:
    """``pay(actor=, document=, cashbox=, amount=, note=, allow_overpayment=) -> Payment``"""
    _document_payers[doc_type] = pay


@transaction.atomic
def document_pay(
    *,
    actor,
    client: Client,
    cashbox: Cashbox,
    amount,
    document: DocumentRef,
    note: str = "",
    allow_overpayment: bool = False,
) -> Payment:
    """Record a payment for a document through its app, or directly when none is registered.

    ``allow_overpayment``: the payer's explicit consent to pay more than is left to pay on
    the document (the surplus stays on the client's balance); the document's app decides
    whether it accepts that at all."""
    pay = _document_payers.get(document.type)
    if pay is None:
        return document_payment_record(
            actor=actor, client=client, cashbox=cashbox, amount=amount, document=document, note=note
        )
    return pay(
        actor=actor,
        document=document,
        cashbox=cashbox,
        amount=amount,
        note=note,
        allow_overpayment=allow_overpayment,
    )


@transaction.atomic
def balance_correct(*, actor, client: Client, amount, reason: str) -> LedgerEntry:
    """Adjust a balance by a signed amount, with a mandatory reason. No money moves."""
    amount = clean_amount(amount, allow_negative=True)
    reason = _clean_text(reason, "reason", required=True)
    client = _lock_client(client)
    return _write_entry(
        client=client,
        kind=LedgerEntry.Kind.CORRECTION,
        amount=amount,
        actor=actor,
        comment=reason,
    )


# Entries a document wrote (its charge, the payments taken for it, a return's credit and
# refund) are undone only by the document's own action (reopening an order, a return), so
# the document and the ledger never disagree. The documents app registers, per type, what
# to tell someone who tries to reverse one here; the ledger imports no document code.
_document_undo_hints: dict = {}


def register_document_undo(doc_type: str, explain) -> None:
    """``explain(entry) -> str``: why the document's ``entry`` is not reversed here, naming
    the document and what to do instead."""
    _document_undo_hints[doc_type] = explain


def document_entry_refusal(entry: LedgerEntry) -> str | None:
    """Why ``entry`` cannot be reversed with ``entry_reverse``: it belongs to a document.
    None for the entries people make on the balance itself (advances, refunds, corrections)."""
    if not entry.belongs_to_document:
        return None
    explain = _document_undo_hints.get(entry.source_type)
    if explain is not None:
        return explain(entry)
    return _("This entry belongs to document %(number)s: undo it from the document.") % {
        "number": entry.source_number
    }


@transaction.atomic
def entry_reverse(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Undo an entry with an opposite one that points at it; its payment is reversed too.

    An entry is reversed at most once, and a reversal is not itself reversed (make a
    correction instead). An entry a document wrote is refused with a message naming the
    document: only the document's own action undoes it (``document_entry_reverse``).
    """
    reason = _clean_text(reason, "reason", required=True)
    client = _lock_client(entry.client)
    entry = LedgerEntry.objects.select_related("payment__cashbox").get(pk=entry.pk)
    refusal = document_entry_refusal(entry)
    if refusal is not None:
        raise MoneyError(refusal)
    return _reverse(actor=actor, client=client, entry=entry, reason=reason)


@transaction.atomic
def document_entry_reverse(
    *, actor, entry: LedgerEntry, document: DocumentRef, reason: str
) -> LedgerEntry:
    """A document undoes one of its own entries (reopening an order reverses its charge).
    Called only by the document's service, which keeps its own state in step."""
    reason = _clean_text(reason, "reason", required=True)
    client = _lock_client(entry.client)
    entry = LedgerEntry.objects.select_related("payment__cashbox").get(pk=entry.pk)
    if (entry.source_type, entry.source_id) != (document.type, document.id):
        raise ValueError(f"entry #{entry.pk} does not belong to {document.type} #{document.id}")
    return _reverse(actor=actor, client=client, entry=entry, reason=reason)


def _reverse(*, actor, client: Client, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """The opposite of the (locked) client's ``entry``, and of its payment if it has one."""
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise MoneyError(_("A reversal cannot be reversed; make a correction instead."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise MoneyError(_("This entry has already been reversed."))
    reversing_payment = None
    original = entry.payment
    if original is not None:
        cashbox = _lock_cashbox(original.cashbox)
        opposite = (
            Payment.Direction.EXPENSE
            if original.direction == Payment.Direction.INCOME
            else Payment.Direction.INCOME
        )
        reversing_payment = _write_payment(
            cashbox=cashbox,
            direction=opposite,
            amount=original.amount,
            category=Payment.Category.REVERSAL,
            actor=actor,
            client=client,
            note=reason,
            reverses=original,
        )
    return _write_entry(
        client=client,
        kind=LedgerEntry.Kind.REVERSAL,
        amount=-entry.amount,
        actor=actor,
        comment=reason,
        payment=reversing_payment,
        reverses=entry,
    )


@transaction.atomic
def cash_move(
    *, actor, cashbox: Cashbox, direction: str, amount, category: str, note: str = ""
) -> Payment:
    """Money in or out of a cashbox that concerns no client (other income or expense)."""
    amount = clean_amount(amount)
    note = _clean_text(note, "note")
    expected = {
        Payment.Category.OTHER_INCOME: Payment.Direction.INCOME,
        Payment.Category.OTHER_EXPENSE: Payment.Direction.EXPENSE,
    }
    if category not in expected:
        raise MoneyError(
            {"kind": [_("Only other income or other expense moves without a client.")]}
        )
    if direction != expected[category]:
        raise MoneyError({"kind": [_("Income goes into a cashbox; an expense comes out of it.")]})
    cashbox = _lock_cashbox(cashbox)
    return _write_payment(
        cashbox=cashbox,
        direction=direction,
        amount=amount,
        category=category,
        actor=actor,
        note=note,
    )


@transaction.atomic
def cashbox_save(*, actor, cashbox: Cashbox, title: str, kind: str, virtual: bool, active: bool):
    """Create or edit a cashbox. A cash cashbox holding a negative balance stays cashless."""
    if cashbox.pk and kind == Cashbox.Kind.CASH and cashbox.kind != kind:
        locked = Cashbox.objects.select_for_update().get(pk=cashbox.pk)
        if locked.balance < 0:
            raise MoneyError({"kind": [_("A cashbox below zero cannot become a cash cashbox.")]})
    cashbox.title = _clean_text(title, "title", required=True)[:100]
    cashbox.kind, cashbox.virtual, cashbox.active = kind, virtual, active
    if cashbox.pk:
        cashbox.save(update_fields=["title", "kind", "virtual", "active"])
    else:
        cashbox.save()
    return cashbox


def _money_history_guard(client: Client) -> str | None:
    if (
        LedgerEntry.objects.filter(client=client).exists()
        or Payment.objects.filter(client=client).exists()
    ):
        return _("This client has money history and cannot be deleted; archive it instead.")
    return None


def register_guards() -> None:
    register_delete_guard(_money_history_guard)
