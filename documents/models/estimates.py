"""Estimates: what a job would cost, sent to a client before any work. They never touch the
balance; an accepted one is copied into a work order."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalog import MONEY
from .lines import LineItem
from .scoping import DocumentQuerySet


class Estimate(models.Model):
    """An estimate for a client, written only by ``documents.estimates``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CONVERTED = "converted", _("Converted")
        # An estimate is masculine in Portuguese ("cancelado"), an order feminine.
        CANCELLED = "cancelled", pgettext_lazy("estimate status", "Cancelled")

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="estimates",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True, default="")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    total = models.DecimalField(_("total"), default=Decimal("0"), editable=False, **MONEY)
    order = models.OneToOneField(
        "documents.Order",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="estimate",
        help_text=_("The work order made from this estimate."),
    )
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
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="estimate_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "sent", "accepted", "rejected", "converted", "cancelled"]
                ),
                name="estimate_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="converted") | models.Q(order__isnull=False),
                name="estimate_converted_has_order",
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"], name="estimate_client_created")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.status not in (self.Status.CONVERTED, self.Status.CANCELLED)


class EstimateItem(LineItem):
    """One line of an estimate."""

    estimate = models.ForeignKey(
        Estimate, verbose_name=_("estimate"), on_delete=models.CASCADE, related_name="items"
    )

    class Meta(LineItem.Meta):
        verbose_name = _("estimate item")
        verbose_name_plural = _("estimate items")
