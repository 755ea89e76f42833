"""Clients, their phones, tags, marketing sources and custom field definitions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.phones import format_phone
from core.text import fold

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Tag(models.Model):
    """A free label on clients ("VIP", "corporate"), used to filter the list."""

    name = models.CharField(_("name"), max_length=50)
    # The case-folded name: unique, and what lookups use. The database's own lower() only
    # folds ASCII on SQLite, so "Ação" and "AÇÃO" would be two tags there.
    key = models.CharField(max_length=50, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = self.key_for(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(name: str) -> str:
        return " ".join(name.split()).casefold()[:50]


class AdCampaign(models.Model):
    """A marketing source: where a client heard of the shop. An editable list in settings."""

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("marketing source")
        verbose_name_plural = _("marketing sources")
        constraints = [models.UniqueConstraint(Lower("name"), name="adcampaign_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """An extra field on every client form, defined by the shop in settings."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        CHECKBOX = "checkbox", _("Checkbox")

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.label


class ClientQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "ClientQuerySet":
        """The clients ``employee`` may see: every list, tab and API view starts here."""
        if employee is None or not employee.has_perm("clients.view"):
            return self.none()
        return self

    def narrow(self, rows: models.QuerySet, field: str = "client") -> models.QuerySet:
        """``rows`` (things that belong to a client through ``field``) kept to those whose
        client is among these clients; no subquery when these are all of them (a million
        clients would make every list scan them)."""
        if self.query.is_empty():
            return rows.none()
        if not self.query.where:
            return rows
        return rows.filter(**{f"{field}__in": self.values("pk")})

    def with_card(self) -> "ClientQuerySet":
        """What a list row or profile header shows, read in a fixed number of queries."""
        return self.select_related("manager", "marketing_source").prefetch_related("phones", "tags")


class Client(models.Model):
    """A person or an organization the shop serves. The centre of Oficina."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organization")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    last_name = models.CharField(_("last name"), max_length=100, blank=True, default="")
    name = models.CharField(_("organization name"), max_length=200, blank=True, default="")
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True, default="")
    display_name = models.CharField(_("name"), max_length=255, editable=False)
    # display_name folded for search (core.text.fold); may be longer than the name ("ß").
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    email = models.EmailField(_("email"), max_length=254, blank=True, default="", db_index=True)
    address = models.TextField(_("address"), max_length=500, blank=True, default="")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True, default="")
    marketing_source = models.ForeignKey(
        AdCampaign,
        verbose_name=_("marketing source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
    )
    discount_goods = models.DecimalField(
        _("discount on goods, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    discount_services = models.DecimalField(
        _("discount on services, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="clients")
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_clients",
    )
    supplier = models.BooleanField(_("supplier"), default=False)
    conflicted = models.BooleanField(
        _("conflicted"), default=False, help_text=_("A problem client: warned about everywhere.")
    )
    archived = models.BooleanField(_("archived"), default=False)
    # Maintained only by the ledger's services, in the same transaction as each entry.
    balance = models.DecimalField(
        _("balance"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["person", "organization"]), name="client_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="person", first_name=""),
                name="client_person_has_first_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="organization", name=""),
                name="client_organization_has_name",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_goods__gte=0, discount_goods__lte=100)
                & models.Q(discount_services__gte=0, discount_services__lte=100),
                name="client_discounts_are_percentages",
            ),
        ]
        indexes = [models.Index(fields=["archived", "-id"], name="client_archived_recent")]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.display_name = self.compute_display_name()
        self.search_name = fold(self.display_name)[: self._meta.get_field("search_name").max_length]
        self.email = (self.email or "").strip().lower()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "display_name", "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clients:profile", args=[self.pk])

    def compute_display_name(self) -> str:
        if self.kind == self.Kind.ORGANIZATION:
            return self.name.strip()
        return " ".join(part for part in (self.first_name.strip(), self.last_name.strip()) if part)

    @property
    def main_phone(self) -> "ClientPhone | None":
        phones = list(self.phones.all())
        return phones[0] if phones else None


class ClientPhone(models.Model):
    """One of a client's phone numbers, stored in E.164 so every format finds it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=50, blank=True, default="")
    notify = models.BooleanField(
        _("notify"), default=True, help_text=_("Send SMS notifications to this number.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="clientphone_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__startswith="+"), name="clientphone_number_e164"
            ),
        ]

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        return format_phone(self.number)
