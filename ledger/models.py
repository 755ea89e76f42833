"""Cashboxes, payments (cash transactions) and the clients' append-only balance ledger.

Sign convention, from the company's point of view: a positive client balance is a
receivable (the client owes us), a negative one a payable (we owe the client).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client

MONEY = {"max_digits": 14, "decimal_places": 2}


class ImmutableRecord(Exception):
    """Money rows are written once: a mistake is undone by a reversing row, never an edit."""


class AppendOnly(models.Model):
    """Refuses to update or delete a saved row through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} #{self.pk} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{type(self).__name__} #{self.pk} cannot be deleted.")


class Cashbox(models.Model):
    """Where money is kept: a till (cash) or an account (cashless). Its balance is the sum of
    its payments, stored and updated in the same transaction as each payment."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        CASHLESS = "cashless", _("Cashless")

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CASH)
    virtual = models.BooleanField(
        _("virtual"), default=False, help_text=_("Not a real till or account (e.g. bonuses).")
    )
    active = models.BooleanField(_("active"), default=True)
    balance = models.DecimalField(_("balance"), default=Decimal("0"), editable=False, **MONEY)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("cashbox")
        verbose_name_plural = _("cashboxes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["cash", "cashless"]), name="cashbox_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="cashless") | models.Q(balance__gte=0),
                name="cashbox_cash_never_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Payment(AppendOnly):
    """A cash transaction: money into (income) or out of (expense) a cashbox.

    Immutable once written; a mistake is undone by a reversing payment (``reverses``).
    Documents (orders, sales) are referenced by type, id and number so the ledger needs no
    knowledge of them.
    """

    class Direction(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    class Category(models.TextChoices):
        ADVANCE = "advance", _("Advance")
        ORDER_PAYMENT = "order_payment", _("Payment for order")
        SALE_PAYMENT = "sale_payment", _("Payment for sale")
        REFUND = "refund", _("Refund to client")
        OTHER_INCOME = "other_income", _("Other income")
        OTHER_EXPENSE = "other_expense", _("Other expense")
        REVERSAL = "reversal", _("Reversal")

    cashbox = models.ForeignKey(
        Cashbox, verbose_name=_("cashbox"), on_delete=models.PROTECT, related_name="payments"
    )
    direction = models.CharField(_("direction"), max_length=7, choices=Direction.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    document_type = models.CharField(max_length=16, blank=True, default="")
    document_id = models.BigIntegerField(null=True, blank=True)
    document_number = models.CharField(max_length=32, blank=True, default="")
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    cashbox_balance_after = models.DecimalField(editable=False, **MONEY)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta(AppendOnly.Meta):
        ordering = ["-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=["income", "expense"]),
                name="payment_direction_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-id"], name="payment_client_recent"),
            models.Index(fields=["cashbox", "-id"], name="payment_cashbox_recent"),
            # A document's payments (its dialog, its amount paid).
            models.Index(fields=["document_type", "document_id"], name="payment_document"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        """Positive for money in, negative for money out of the cashbox."""
        return self.amount if self.direction == self.Direction.INCOME else -self.amount


class LedgerEntry(AppendOnly):
    """One signed change to a client's balance. Never updated or deleted.

    ``balance_after`` is the client's balance right after this entry, written under the
    client's row lock, so the list reads like a bank statement.
    """

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        CORRECTION = "correction", _("Correction")
        ORDER_CHARGE = "order_charge", _("Charge for order")
        SALE_CHARGE = "sale_charge", _("Charge for sale")
        GOODS_RETURN = "goods_return", _("Goods returned")
        REVERSAL = "reversal", _("Reversal")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), editable=False, **MONEY)
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entry"
    )
    source_type = models.CharField(max_length=16, blank=True, default="")
    source_id = models.BigIntegerField(null=True, blank=True)
    source_number = models.CharField(max_length=32, blank=True, default="")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta(AppendOnly.Meta):
        ordering = ["-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="ledgerentry_amount_not_zero"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-id"], name="ledgerentry_client_recent"),
            # A document's charges and credits (reopening an order reverses its charge).
            models.Index(fields=["source_type", "source_id"], name="ledgerentry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def belongs_to_document(self) -> bool:
        """Written by an order or a sale: only that document's own action undoes it."""
        return bool(self.source_type)


class IdempotencyKey(models.Model):
    """A money-moving API request already answered: a retry with the same key replays it."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key
