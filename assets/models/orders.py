"""How assets meet work orders: the asset an order is for, and where a status change of
the order moves that asset (configured per order status in settings).

Both live here, not in documents: dependencies point one way (documents ← assets), and the
documents app hears about none of it except through ``documents.hooks``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assets import Asset
from .warehouses import Warehouse


class OrderAsset(models.Model):
    """The asset a work order is for (an order has at most one)."""

    order = models.OneToOneField(
        "documents.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="asset_link",
    )
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="order_links"
    )
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("order asset")
        verbose_name_plural = _("order assets")
        indexes = [models.Index(fields=["asset", "-id"], name="orderasset_asset_recent")]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.asset_id}"


class StatusMove(models.Model):
    """Where an order's asset goes when the order enters ``status``. A status without a row
    moves nothing."""

    class Target(models.TextChoices):
        NONE = "none", _("Nowhere (leave it)")
        CLIENT = "client", _("Back to the client")
        ASSIGNEE = "assignee", _("To the order's assignee")
        WAREHOUSE = "warehouse", _("To a company warehouse")

    status = models.OneToOneField(
        "documents.OrderStatus",
        verbose_name=_("order status"),
        on_delete=models.CASCADE,
        related_name="asset_move",
    )
    target = models.CharField(
        _("move the asset"), max_length=10, choices=Target.choices, default=Target.NONE
    )
    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status move")
        verbose_name_plural = _("status moves")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__in=["none", "client", "assignee", "warehouse"]),
                name="statusmove_target_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(target="warehouse", warehouse__isnull=False)
                | (~models.Q(target="warehouse") & models.Q(warehouse__isnull=True)),
                name="statusmove_warehouse_iff_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status_id}: {self.target}"
