"""The catalog (services and products) documents are built from, the counters that number
documents, and work orders with their lines, statuses and status history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold

from .permissions import can_view_catalog
from .totals import DiscountKind, LineInput, LineKind

MONEY = {"max_digits": 14, "decimal_places": 2}
TITLE_MAX = 200
SKU_MAX = 64


class CatalogQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "CatalogQuerySet":
        """The items ``employee`` may see: every catalog list, page and API view starts here."""
        return self if can_view_catalog(employee) else self.none()


class CatalogItem(models.Model):
    """What services and products share: a title, a price and whether it is still offered.

    An item no longer offered is deactivated, never deleted, so the documents that used it
    keep pointing at it.
    """

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    price = models.DecimalField(_("price"), default=Decimal("0"), **MONEY)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive items are not offered on new documents.")
    )
    # The title (and SKU) folded by core.text.fold: what search matches and the list sorts by,
    # the same in SQLite (whose lower() folds only ASCII) and PostgreSQL.
    search_text = models.CharField(max_length=TITLE_MAX + SKU_MAX + 1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        limit = self._meta.get_field("search_text").max_length
        self.search_text = self.compute_search_text()[:limit]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def compute_search_text(self) -> str:
        return fold(self.title)


# Active items first, then by title as people read it (case and accents ignored).
LISTING_ORDER = ["-active", "search_text", "id"]


class Service(CatalogItem):
    """Work the shop sells (a screen replacement, a diagnosis), with its price and warranty."""

    warranty_days = models.IntegerField(
        _("warranty, days"), default=0, help_text=_("0: no warranty.")
    )

    class Meta:
        ordering = LISTING_ORDER
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="service_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_days__gte=0), name="service_warranty_not_negative"
            ),
        ]


class Product(CatalogItem):
    """Goods the shop sells, identified by a SKU; ``cost`` is what the shop paid for one."""

    # Stored as typed ("Ab-12"); unique whatever the case, so "AB-12" cannot be added too.
    sku = models.CharField(_("SKU"), max_length=SKU_MAX)
    cost = models.DecimalField(_("cost"), default=Decimal("0"), **MONEY)

    class Meta:
        ordering = LISTING_ORDER
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(Lower("sku"), name="product_sku_unique_ci"),
            models.CheckConstraint(condition=~models.Q(sku=""), name="product_sku_not_empty"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="product_cost_not_negative"
            ),
        ]

    def compute_search_text(self) -> str:
        return fold(f"{self.title} {self.sku}")


class DocumentSequence(models.Model):
    """The counter that numbers one type of document (orders, estimates, sales).

    Read and moved only by ``documents.numbering.next_number`` inside the transaction that
    creates the document, under the row's lock: numbers are unique and leave no gaps.
    """

    class DocType(models.TextChoices):
        ORDER = "order", _("Work order")
        ESTIMATE = "estimate", _("Estimate")
        SALE = "sale", _("Sale")

    doc_type = models.CharField(
        _("document type"), max_length=16, choices=DocType.choices, unique=True
    )
    prefix = models.CharField(_("prefix"), max_length=10, blank=True, default="")
    digits = models.PositiveSmallIntegerField(
        _("digits"), default=6, help_text=_("Numbers are padded with zeros to this length.")
    )
    last_value = models.BigIntegerField(_("last number"), default=0)

    class Meta:
        ordering = ["doc_type"]
        verbose_name = _("document numbering")
        verbose_name_plural = _("document numbering")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(doc_type__in=["order", "estimate", "sale"]),
                name="documentsequence_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(last_value__gte=0), name="documentsequence_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(digits__gte=1, digits__lte=12),
                name="documentsequence_digits_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.number_for(self.last_value + 1)}"

    def number_for(self, value: int) -> str:
        """``value`` as a document number: prefix, then the value padded with zeros."""
        return f"{self.prefix}{value:0{self.digits}d}"


class OrderStatus(models.Model):
    """A status a work order can be in, editable in settings. Its group says what the status
    means to the system (a closed order is read-only, a cancelled one is void); its name is
    what the shop calls it."""

    class Group(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        DELIVERY = "delivery", _("Delivery")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=64)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#6b7280",
        help_text=_("A colour in hex, e.g. #2563eb."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("order status")
        verbose_name_plural = _("order statuses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    group__in=[
                        "new",
                        "in_progress",
                        "pending",
                        "done",
                        "delivery",
                        "closed",
                        "cancelled",
                    ]
                ),
                name="orderstatus_group_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(color__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="orderstatus_color_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """A work order: what the shop does for a client, its lines, and what was paid for it.

    Written only by ``documents.orders``. ``total`` is the sum of the lines (kept in step
    with them in the same transaction); ``paid`` is what was paid into a cashbox for it.
    Closing charges the total to the client's balance; a closed order is read-only.
    """

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.ForeignKey(
        OrderStatus, verbose_name=_("status"), on_delete=models.PROTECT, related_name="orders"
    )
    order_type = models.CharField(_("type"), max_length=64, blank=True, default="")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    malfunction = models.TextField(_("malfunction"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    total = models.DecimalField(_("total"), default=Decimal("0"), editable=False, **MONEY)
    paid = models.DecimalField(_("paid"), default=Decimal("0"), editable=False, **MONEY)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="order_total_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(paid__gte=0), name="order_paid_not_negative"),
        ]
        indexes = [models.Index(fields=["client", "-id"], name="order_client_recent")]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    """One line of a work order: a service, a product or free text, with its numbers."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items"
    )
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
        ordering = ["position", "id"]
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orderitem_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="orderitem_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0), name="orderitem_discount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(discount_kind="percent") | models.Q(discount__lte=100),
                name="orderitem_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_days__gte=0), name="orderitem_warranty_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["product", "service", "text"]),
                name="orderitem_kind_valid",
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


class OrderStatusChange(models.Model):
    """One step of an order's status history: who moved it, when, from where to where."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.ForeignKey(
        OrderStatus,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_status = models.ForeignKey(
        OrderStatus, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.order} → {self.to_status}"
