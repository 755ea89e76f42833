"""The catalog: services and products, the things documents are built from."""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.text import fold

from ..permissions import can_view_catalog

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
