"""Leads: a chance of work (a call, a message, a walk-in) followed until it becomes an order
or estimate (won) or is given up with a reason (lost). Their types, statuses and lost
reasons are lists the shop edits in settings."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.builtins import builtin_name
from core.phones import format_phone

from .permissions import can_view_all_leads, can_view_own_leads

NAME_MAX = 64
COLOR_REGEX = r"^#[0-9A-Fa-f]{6}$"


class LeadType(models.Model):
    """What kind of lead it is ("Lead", "Missed call", the shop's own kinds).

    The two built-in types carry a ``system_code`` the code finds them by (telephony creates
    "Missed call" leads); the shop may rename them, and adds types of its own.
    """

    class SystemCode(models.TextChoices):
        LEAD = "lead", _("Lead")
        MISSED_CALL = "missed_call", _("Missed call")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    system_code = models.CharField(
        _("system code"), max_length=32, blank=True, default="", editable=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lead type")
        verbose_name_plural = _("lead types")
        constraints = [
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="leadtype_system_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The built-in type's name in the viewer's language while not renamed, else the
        shop's name as typed."""
        default = self.SystemCode(self.system_code).label if self.system_code else None
        return builtin_name(self.name, default)

    @property
    def is_system(self) -> bool:
        return bool(self.system_code)


class LeadStatus(models.Model):
    """A status a lead can be in, editable in settings. Its group says what it means to the
    system: an Open lead is being worked on, a Won one became an order or estimate, a Lost
    one was given up with a reason."""

    class Group(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    # The statuses a shop starts with, in the viewer's language while not renamed. A lead is
    # "Novo" in Portuguese, an order "Nova".
    BUILTIN_NAMES = {
        "new": pgettext_lazy("lead status", "New"),
        "in_work": pgettext_lazy("lead status", "In work"),
        "won": pgettext_lazy("lead status", "Won"),
        "lost": pgettext_lazy("lead status", "Lost"),
    }

    name = models.CharField(_("name"), max_length=NAME_MAX)
    system_code = models.CharField(
        _("system code"), max_length=32, blank=True, default="", editable=False
    )
    group = models.CharField(_("group"), max_length=8, choices=Group.choices)
    color = models.CharField(
        _("colour"), max_length=7, default="#6b7280", help_text=_("A colour in hex, e.g. #2563eb.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lead status")
        verbose_name_plural = _("lead statuses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__in=["open", "won", "lost"]), name="leadstatus_group_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(color__regex=COLOR_REGEX), name="leadstatus_color_hex"
            ),
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="leadstatus_system_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The built-in status's name in the viewer's language while not renamed, else the
        shop's name as typed."""
        return builtin_name(self.name, self.BUILTIN_NAMES.get(self.system_code))


class LostReason(models.Model):
    """Why a lead was lost ("Too expensive", "No answer"): an editable list in settings."""

    # The reasons a shop starts with, in the viewer's language while not renamed.
    BUILTIN_NAMES = {
        "too_expensive": _("Too expensive"),
        "no_answer": _("No answer"),
        "chose_another_shop": _("Chose another shop"),
        "not_repairable": _("Not repairable"),
    }

    name = models.CharField(_("name"), max_length=100)
    system_code = models.CharField(
        _("system code"), max_length=32, blank=True, default="", editable=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        constraints = [
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="lostreason_system_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The built-in reason in the viewer's language while not renamed, else the shop's
        name as typed."""
        return builtin_name(self.name, self.BUILTIN_NAMES.get(self.system_code))


class LeadQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "LeadQuerySet":
        """The leads ``employee`` may see: every page, tab and API view starts here.

        "View all leads" sees every lead; "View only my leads" the leads the employee
        manages; anybody else none. Outside the scope is 404.
        """
        if can_view_all_leads(employee):
            return self
        if can_view_own_leads(employee):
            return self.filter(manager=employee)
        return self.none()

    def with_row(self) -> "LeadQuerySet":
        """What a list row shows (client, type, status, manager, result) in one query."""
        return self.select_related(
            "client", "lead_type", "status", "manager", "order", "estimate", "lost_reason"
        )


class Lead(models.Model):
    """A lead: who (a client, or a contact's name and phone), what kind, where it stands and
    how it ended. Written only by ``leads.services``.

    A lead is won by converting it into a work order or an estimate (``order`` or
    ``estimate``), and lost with a ``lost_reason``; converting a contact-only lead finds the
    client by phone or creates one.
    """

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True, default="")
    # E.164, like client phones, so any format finds it.
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, default="")
    lead_type = models.ForeignKey(
        LeadType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="leads"
    )
    status = models.ForeignKey(
        LeadStatus, verbose_name=_("status"), on_delete=models.PROTECT, related_name="leads"
    )
    description = models.TextField(_("description"), blank=True, default="")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    ad_campaign = models.ForeignKey(
        "clients.AdCampaign",
        verbose_name=_("marketing source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    order = models.OneToOneField(
        "documents.Order",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="lead",
    )
    estimate = models.OneToOneField(
        "documents.Estimate",
        verbose_name=_("estimate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="lead",
    )
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    search_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=True) | models.Q(estimate__isnull=True),
                name="lead_one_result_document",
            ),
            models.CheckConstraint(
                condition=models.Q(lost_reason__isnull=True)
                | (models.Q(order__isnull=True) & models.Q(estimate__isnull=True)),
                name="lead_won_or_lost",
            ),
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | ~models.Q(contact_phone=""),
                name="lead_has_client_or_phone",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="lead_client_created"),
            models.Index(fields=["manager", "-id"], name="lead_manager_recent"),
            models.Index(fields=["contact_phone"], name="lead_contact_phone"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("leads:detail", args=[self.pk])

    @property
    def contact_phone_display(self) -> str:
        return format_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def who(self) -> str:
        """The client's name, else the contact's name or phone."""
        if self.client_id:
            return str(self.client)
        return self.contact_name or self.contact_phone_display

    @property
    def result(self):
        """What the lead ended in: its order or estimate, or the reason it was lost."""
        return self.order or self.estimate or self.lost_reason

    @property
    def result_kind(self) -> str:
        if self.order_id:
            return "order"
        if self.estimate_id:
            return "estimate"
        if self.lost_reason_id:
            return "lost"
        return ""

    @property
    def is_converted(self) -> bool:
        return bool(self.order_id or self.estimate_id)

    def is_overdue(self, now=None) -> bool:
        return bool(
            self.deadline
            and self.status.group == LeadStatus.Group.OPEN
            and self.deadline < (now or timezone.now())
        )


class LeadStatusChange(models.Model):
    """One step of a lead's status history: who moved it, when, from where to where, why."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.ForeignKey(
        LeadStatus,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_status = models.ForeignKey(
        LeadStatus, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
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
        verbose_name = _("lead status change")
        verbose_name_plural = _("lead status changes")

    def __str__(self) -> str:
        return f"{self.lead} → {self.to_status}"
