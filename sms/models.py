"""SMS: messages sent to clients with their delivery status, the shop's message templates,
and the development outbox that stands in for a provider."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.phones import format_phone


class SmsStatus(models.TextChoices):
    """Where a message is. Moves forward only (see ``RANK``): a late or replayed report
    never takes a message back."""

    IN_PROCESS = "in_process", _("In process")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    NOT_SENT = "not_sent", _("Not sent")
    DECLINED = "declined", _("Declined")
    UNKNOWN = "unknown", _("Unknown")


# In process (queued here or at the provider) < Unknown (the provider said something we do
# not know) < Sent (handed to the carrier) < final: Delivered, Declined (the carrier refused
# it), Not sent (the provider or we gave up). A report moves a message only to a higher
# rank, so "sent" after "delivered" changes nothing, "failed" after "sent" makes it Not sent,
# and the first final status stays.
RANK = {
    SmsStatus.IN_PROCESS: 0,
    SmsStatus.UNKNOWN: 1,
    SmsStatus.SENT: 2,
    SmsStatus.DELIVERED: 3,
    SmsStatus.DECLINED: 3,
    SmsStatus.NOT_SENT: 3,
}
FINAL = frozenset({SmsStatus.DELIVERED, SmsStatus.DECLINED, SmsStatus.NOT_SENT})
PENDING = (SmsStatus.IN_PROCESS, SmsStatus.SENT, SmsStatus.UNKNOWN)


class SmsTemplate(models.Model):
    """A message the shop sends often ("Your order {last_order_number} is ready"), with
    variables filled in for the client when chosen."""

    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")

    def __str__(self) -> str:
        return self.name


class SmsMessageQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "SmsMessageQuerySet":
        """The messages ``employee`` may see: those of the clients they may see (every client
        for "View clients"), nothing otherwise."""
        if employee is None or not employee.has_perm("clients.view"):
            return self.none()
        return self

    def with_row(self) -> "SmsMessageQuerySet":
        return self.select_related("client", "created_by")


class SmsMessage(models.Model):
    """One SMS to one of a client's phones, from queueing to the carrier's last word."""

    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="sms"
    )
    phone = models.CharField(_("phone"), max_length=20)  # E.164
    text = models.TextField(_("text"))  # as sent (smart-encoded)
    encoding = models.CharField(_("encoding"), max_length=8)
    segments = models.PositiveSmallIntegerField(_("segments"))
    status = models.CharField(
        _("status"), max_length=12, choices=SmsStatus.choices, default=SmsStatus.IN_PROCESS
    )
    provider = models.CharField(_("provider"), max_length=20)
    provider_id = models.CharField(_("provider message id"), max_length=64, blank=True, default="")
    provider_status = models.CharField(_("provider status"), max_length=32, blank=True, default="")
    error_code = models.CharField(_("error code"), max_length=32, blank=True, default="")
    error = models.TextField(_("error"), blank=True, default="")
    template = models.ForeignKey(
        SmsTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    objects = SmsMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        indexes = [
            models.Index(fields=["client", "-created_at", "-id"], name="sms_client_created"),
            models.Index(fields=["provider", "provider_id"], name="sms_provider_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in SmsStatus]),
                name="smsmessage_status_valid",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="smsmessage_provider_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} to {self.phone}"

    @property
    def formatted_phone(self) -> str:
        return format_phone(self.phone)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class OutboxMessage(models.Model):
    """What the outbox backend "sent": development and tests read it instead of a phone."""

    message = models.ForeignKey(
        SmsMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_id = models.CharField(max_length=64, unique=True)
    to = models.CharField(max_length=20)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return self.provider_id
