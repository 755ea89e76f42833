"""Work orders: their statuses (editable, each in a group), lines and status history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.builtins import builtin_name

from .catalog import MONEY
from .lines import LineItem
from .scoping import OrderQuerySet


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

    # The statuses a shop starts with (one per group, coded by the group), in the viewer's
    # language while not renamed. An order is "Nova" in Portuguese, a lead "Novo".
    BUILTIN_NAMES = {
        "new": pgettext_lazy("order status", "New"),
        "in_progress": pgettext_lazy("order status", "In progress"),
        "pending": pgettext_lazy("order status", "Pending"),
        "done": pgettext_lazy("order status", "Done"),
        "delivery": pgettext_lazy("order status", "Delivery"),
        "closed": pgettext_lazy("order status", "Closed"),
        "cancelled": pgettext_lazy("order status", "Cancelled"),
    }

    name = models.CharField(_("name"), max_length=64)
    system_code = models.CharField(
        _("system code"), max_length=32, blank=True, default="", editable=False
    )
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
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="orderstatus_system_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the viewer's language for a built-in status not renamed, else the
        shop's name as typed."""
        return builtin_name(self.name, self.BUILTIN_NAMES.get(self.system_code))


class Order(models.Model):
    """A work order: what the shop does for a client, its lines, and what was paid for it.

    Written only by ``documents.orders``. ``total`` is the sum of the lines (kept in step
    with them in the same transaction); ``paid`` is what was paid into a cashbox for it.
    Closing charges the total to the client's balance; a closed order is read-only. How the
    closing settled what was left to pay is kept beside it (``settlement`` and the three
    amounts below), cleared when the order is reopened and written again when it closes.
    """

    class Settlement(models.TextChoices):
        CASHBOX = "cashbox", _("Paid now")
        BALANCE = "balance", _("Charged to the balance")

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
    settlement = models.CharField(
        _("settlement"), max_length=8, choices=Settlement.choices, blank=True, default=""
    )
    paid_at_closing = models.DecimalField(
        _("paid at closing"), default=Decimal("0"), editable=False, **MONEY
    )
    covered_by_advance = models.DecimalField(
        _("covered by advance"), default=Decimal("0"), editable=False, **MONEY
    )
    charged_to_balance = models.DecimalField(
        _("charged to the balance"), default=Decimal("0"), editable=False, **MONEY
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="order_total_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(paid__gte=0), name="order_paid_not_negative"),
            models.CheckConstraint(
                condition=models.Q(settlement__in=["", "cashbox", "balance"]),
                name="order_settlement_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    paid_at_closing__gte=0,
                    paid_at_closing__lte=models.F("paid"),
                    covered_by_advance__gte=0,
                    charged_to_balance__gte=0,
                ),
                name="order_settled_amounts_valid",
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"], name="order_client_created")]

    def __str__(self) -> str:
        return self.number


class OrderItem(LineItem):
    """One line of a work order."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items"
    )

    class Meta(LineItem.Meta):
        verbose_name = _("order item")
        verbose_name_plural = _("order items")


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
