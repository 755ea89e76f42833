"""What a line of any document (order, estimate, sale) is: a product, a service or free text,
with its quantity, price, discount, warranty and assignee."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..totals import DiscountKind, LineInput, LineKind, line_discount, line_total
from .catalog import MONEY, TITLE_MAX, Product, Service


class LineItem(models.Model):
    """One line of a document. Each document type keeps its lines in its own table, pointing
    at the document; the numbers are checked by ``documents.totals`` before they are saved and
    again by the database's constraints."""

    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    quantity = models.DecimalField(
        _("quantity"), max_digits=9, decimal_places=3, default=Decimal("1")
    )
    price = models.DecimalField(_("price"), **MONEY)
    discount_kind = models.CharField(
        _("discount kind"),
        max_length=8,
        choices=DiscountKind.choices,
        default=DiscountKind.PERCENT,
    )
    discount = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    warranty_days = models.IntegerField(_("warranty, days"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="%(class)s_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0), name="%(class)s_discount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(discount_kind="percent") | models.Q(discount__lte=100),
                name="%(class)s_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_days__gte=0), name="%(class)s_warranty_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["product", "service", "text"]),
                name="%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def line_input(self) -> LineInput:
        """The numbers of this line, for ``documents.totals``."""
        return LineInput(
            quantity=self.quantity,
            price=self.price,
            discount=self.discount,
            discount_kind=self.discount_kind,
        )

    @property
    def total(self) -> Decimal:
        return line_total(self.line_input())

    @property
    def discount_amount(self) -> Decimal:
        return line_discount(self.line_input())
