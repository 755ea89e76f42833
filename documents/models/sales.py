"""Sales over the counter: completed at once, paid now or charged to the balance; returns
credit the client back (and may pay money out)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalog import MONEY
from .lines import LineItem
from .scoping import DocumentQuerySet


class Sale(models.Model):
    """A completed sale, written only by ``documents.sales``.

    ``total`` was charged to the client's balance when the sale was made; ``paid`` is what was
    paid into a cashbox for it; ``returned`` what returns credited back.
    """

    class Settlement(models.TextChoices):
        CASHBOX = "cashbox", _("Paid now")
        BALANCE = "balance", _("Charged to the balance")

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="sales"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seller"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    settlement = models.CharField(_("settlement"), max_length=8, choices=Settlement.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    total = models.DecimalField(_("total"), default=Decimal("0"), editable=False, **MONEY)
    paid = models.DecimalField(_("paid"), default=Decimal("0"), editable=False, **MONEY)
    returned = models.DecimalField(_("returned"), default=Decimal("0"), editable=False, **MONEY)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="sale_total_positive"),
            models.CheckConstraint(condition=models.Q(paid__gte=0), name="sale_paid_not_negative"),
            models.CheckConstraint(
                condition=models.Q(returned__gte=0, returned__lte=models.F("total")),
                name="sale_returned_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(settlement__in=["cashbox", "balance"]),
                name="sale_settlement_valid",
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"], name="sale_client_created")]

    def __str__(self) -> str:
        return self.number

    @property
    def return_state(self) -> str:
        """ "" (nothing returned), "partial" or "full"."""
        if not self.returned:
            return ""
        return "full" if self.returned >= self.total else "partial"


class SaleItem(LineItem):
    """One line of a sale, with how much of it has been returned."""

    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), on_delete=models.CASCADE, related_name="items"
    )
    returned_quantity = models.DecimalField(
        _("returned quantity"),
        max_digits=9,
        decimal_places=3,
        default=Decimal("0"),
        editable=False,
    )
    returned_amount = models.DecimalField(
        _("returned amount"), default=Decimal("0"), editable=False, **MONEY
    )

    class Meta(LineItem.Meta):
        verbose_name = _("sale item")
        verbose_name_plural = _("sale items")
        constraints = [
            *LineItem.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(
                    returned_quantity__gte=0, returned_quantity__lte=models.F("quantity")
                ),
                name="saleitem_returned_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_amount__gte=0), name="saleitem_returned_not_negative"
            ),
        ]

    @property
    def returnable_quantity(self) -> Decimal:
        return self.quantity - self.returned_quantity


class SaleReturn(models.Model):
    """Goods a client brought back: the credit to their balance and any money paid back."""

    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="returns"
    )
    amount = models.DecimalField(_("credited"), **MONEY)
    refunded = models.DecimalField(_("paid back"), default=Decimal("0"), **MONEY)
    cashbox = models.ForeignKey(
        "ledger.Cashbox",
        verbose_name=_("cashbox"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="salereturn_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded__gte=0, refunded__lte=models.F("amount")),
                name="salereturn_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sale} − {self.amount}"


class SaleReturnLine(models.Model):
    """How much of one sale line a return took back, and the money it was worth."""

    sale_return = models.ForeignKey(
        SaleReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        SaleItem, verbose_name=_("line"), on_delete=models.PROTECT, related_name="return_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=3)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="salereturnline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="salereturnline_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
