"""Calls: each phone call a telephony provider reported through a signed webhook, matched to
a client by phone, with its recording (downloaded in the background, served only through a
permission-checked view)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.phones import format_phone

from .permissions import can_view_calls

NUMBER_MAX = 64  # E.164 is at most 16; a provider may send "anonymous", "client:alice", …


class CallQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "CallQuerySet":
        """The calls ``employee`` may see: every page, section and API view starts here.

        Calls are part of the client record: an employee who may see clients sees them;
        anybody else none (outside the scope is 404)."""
        if not can_view_calls(employee):
            return self.none()
        return self

    def with_row(self) -> "CallQuerySet":
        """What a list row shows (client, employee) in the same query."""
        return self.select_related("client", "employee")


class Call(models.Model):
    """One phone call: who called whom, when, how it ended and its recording.

    Written only by ``calls.services``; a repeated webhook for the same provider call
    (``provider``, ``provider_id``) updates this row, never adds another.
    """

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("Incoming")
        OUTGOING = "outgoing", _("Outgoing")

    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        BUSY = "busy", _("Busy")
        FAILED = "failed", _("Failed")
        # Only while a provider reports a call that has not ended yet (Twilio "ringing").
        IN_PROGRESS = "in_progress", _("In progress")

    class RecordingState(models.TextChoices):
        NONE = "", _("No recording")
        PENDING = "pending", _("Downloading")
        STORED = "stored", _("Stored")
        FAILED = "failed", _("Download failed")

    provider = models.CharField(_("provider"), max_length=32)
    provider_id = models.CharField(_("provider call id"), max_length=128)
    direction = models.CharField(_("type"), max_length=8, choices=Direction.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # E.164 when the provider sent a valid number, else what it sent ("anonymous").
    from_number = models.CharField(_("from"), max_length=NUMBER_MAX, blank=True, default="")
    to_number = models.CharField(_("to"), max_length=NUMBER_MAX, blank=True, default="")
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    started_at = models.DateTimeField(_("started"))
    duration = models.PositiveIntegerField(_("duration, s"), default=0)
    recording = models.FileField(
        _("recording"), upload_to="calls/recordings/%Y/%m/", max_length=255, blank=True
    )
    recording_url = models.URLField(_("recording source"), max_length=1000, blank=True, default="")
    recording_state = models.CharField(
        _("recording"), max_length=8, choices=RecordingState.choices, blank=True, default=""
    )
    recording_type = models.CharField(max_length=32, blank=True, default="")
    recording_size = models.PositiveBigIntegerField(default=0)
    recording_error = models.CharField(max_length=500, blank=True, default="")
    # The "Missed call" lead this call opened: set once, so a replayed webhook opens no other.
    missed_lead = models.OneToOneField(
        "leads.Lead",
        verbose_name=_("missed call lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missed_call",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_id"], name="call_provider_id"),
            models.CheckConstraint(
                condition=models.Q(direction__in=["incoming", "outgoing"]),
                name="call_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["answered", "missed", "busy", "failed", "in_progress"]
                ),
                name="call_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-started_at", "-id"], name="call_client_recent"),
            models.Index(fields=["-started_at", "-id"], name="call_recent"),
            models.Index(fields=["from_number"], name="call_from_number"),
            models.Index(fields=["to_number"], name="call_to_number"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_direction_display()} {self.other_number} {self.started_at:%Y-%m-%d %H:%M}"
        )

    def get_recording_url(self) -> str:
        return reverse("calls:recording", args=[self.pk])

    @property
    def other_number(self) -> str:
        """The number on the other side: the caller of an incoming call, else the callee."""
        return self.from_number if self.direction == self.Direction.INCOMING else self.to_number

    @property
    def other_number_display(self) -> str:
        number = self.other_number
        return format_phone(number) if number.startswith("+") else number

    @property
    def duration_display(self) -> str:
        """m:ss (h:mm:ss from an hour)."""
        minutes, seconds = divmod(self.duration, 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"

    @property
    def has_recording(self) -> bool:
        return self.recording_state == self.RecordingState.STORED and bool(self.recording)
