"""Assets (the devices clients bring in, and the company's own), their custom field
definitions and the append-only history of their moves."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import CustomField
from core.text import fold
from ledger.models import AppendOnly

from .directory import AssetGroup, AssetModel, Brand, Modification
from .warehouses import Warehouse

SERIAL_MAX = 64
NAME_MAX = 200
COMMENT_MAX = 2000


def serial_key(serial: str) -> str:
    """What makes two serial numbers the same: case and surrounding spaces ignored."""
    return " ".join((serial or "").split()).casefold()


class AssetCustomField(models.Model):
    """An extra field on every asset form, defined by the shop in settings (the same kinds
    and the same validation as the clients' custom fields)."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(
        _("type"), max_length=10, choices=CustomField.Kind.choices, default=CustomField.Kind.TEXT
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("asset custom field")
        verbose_name_plural = _("asset custom fields")

    def __str__(self) -> str:
        return self.label


class AssetQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "AssetQuerySet":
        """The assets ``employee`` may see: every list, tab and API view starts here."""
        if employee is None or not employee.has_perm("assets.view"):
            return self.none()
        return self

    def with_card(self) -> "AssetQuerySet":
        """What a list row or the profile header shows, in the same query."""
        return self.select_related("owner", "warehouse")


class Asset(models.Model):
    """A device identified by its serial number (or IMEI), owned by a client or by the
    company (``owner`` empty), kept in one warehouse at a time.

    Written only by ``assets.services``: the warehouse changes only through a move, which
    leaves a ``Transfer``; a written-off asset stays where it is.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WRITTEN_OFF = "written_off", _("Written off")

    # Stored as typed, spaces around it dropped; ``serial_key`` is what uniqueness and
    # lookups use.
    serial = models.CharField(_("serial number / IMEI"), max_length=SERIAL_MAX)
    serial_key = models.CharField(max_length=SERIAL_MAX, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The name folded by core.text.fold: what search matches, the same in SQLite and
    # PostgreSQL.
    search_name = models.CharField(max_length=NAME_MAX, editable=False, db_index=True)
    group = models.ForeignKey(
        AssetGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    model = models.ForeignKey(
        AssetModel,
        verbose_name=_("model"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    modification = models.ForeignKey(
        Modification,
        verbose_name=_("modification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        "clients.Client",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        help_text=_("Empty: the company owns it."),
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="assets"
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True, default="")
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    photo = models.FileField(_("photo"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    written_off_at = models.DateTimeField(_("written off"), null=True, blank=True)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written off by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    write_off_reason = models.CharField(
        _("reason for writing off"), max_length=500, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(condition=~models.Q(serial_key=""), name="asset_serial_set"),
            models.CheckConstraint(condition=~models.Q(name=""), name="asset_name_set"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "written_off"]),
                name="asset_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-id"], name="asset_owner_recent"),
            models.Index(fields=["warehouse", "-id"], name="asset_warehouse_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} · {self.name}"

    def save(self, *args, **kwargs):
        self.serial = " ".join((self.serial or "").split())
        self.serial_key = serial_key(self.serial)
        self.search_name = fold(self.name)[: self._meta.get_field("search_name").max_length]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "serial_key", "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", args=[self.pk])

    @property
    def is_written_off(self) -> bool:
        return self.status == self.Status.WRITTEN_OFF

    @property
    def photo_url(self) -> str:
        """The photo through the permission-checked view, never a public media URL."""
        return reverse("assets:photo", args=[self.pk]) if self.photo else ""


class Transfer(AppendOnly):
    """One move of an asset: from where, to where, who, when and why. Never changed or
    deleted: moving back is a new transfer. The first one (no ``from_warehouse``) records
    where the asset was received."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    # Whose "At client" it was: the owner may change later.
    owner = models.ForeignKey(
        "clients.Client",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # Set when a work order's status change moved the asset.
    order = models.ForeignKey(
        "documents.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta(AppendOnly.Meta):
        ordering = ["-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_warehouse=models.F("to_warehouse")),
                name="transfer_moves_somewhere",
            ),
        ]
        indexes = [models.Index(fields=["asset", "-id"], name="transfer_asset_recent")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_warehouse_id} → {self.to_warehouse_id}"
