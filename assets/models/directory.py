"""The directory asset names are built from: groups, brands, their models and the models'
modifications ("Smartphone" · "Apple" · "iPhone 13" · "128 GB"). Edited in settings; an entry
no longer used is deactivated, never deleted, so the assets built from it keep pointing at it.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

NAME_MAX = 100


class DirectoryEntry(models.Model):
    """What every directory entry has: a name and whether it is still offered."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive entries are not offered on new assets.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class AssetGroup(DirectoryEntry):
    """A kind of device: "Smartphone", "Notebook"."""

    class Meta:
        ordering = ["-active", "name", "id"]
        verbose_name = _("asset group")
        verbose_name_plural = _("asset groups")
        constraints = [models.UniqueConstraint(Lower("name"), name="assetgroup_name_unique_ci")]


class Brand(DirectoryEntry):
    """A maker: "Apple", "Samsung"."""

    class Meta:
        ordering = ["-active", "name", "id"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        constraints = [models.UniqueConstraint(Lower("name"), name="brand_name_unique_ci")]


class AssetModel(DirectoryEntry):
    """A brand's model: "iPhone 13" of Apple."""

    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="models"
    )

    class Meta:
        ordering = ["-active", "brand__name", "name", "id"]
        verbose_name = _("model")
        verbose_name_plural = _("models")
        constraints = [
            models.UniqueConstraint("brand", Lower("name"), name="assetmodel_name_unique_ci")
        ]

    @property
    def full_name(self) -> str:
        return f"{self.brand.name} {self.name}"


class Modification(DirectoryEntry):
    """A variant of a model: "128 GB", "i7 / 16 GB"."""

    model = models.ForeignKey(
        AssetModel,
        verbose_name=_("model"),
        on_delete=models.PROTECT,
        related_name="modifications",
    )

    class Meta:
        ordering = ["-active", "model__brand__name", "model__name", "name", "id"]
        verbose_name = _("modification")
        verbose_name_plural = _("modifications")
        constraints = [
            models.UniqueConstraint("model", Lower("name"), name="modification_name_unique_ci")
        ]

    @property
    def full_name(self) -> str:
        return f"{self.model.full_name} {self.name}"
