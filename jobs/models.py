"""What the background tasks record about themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """One failed attempt of a background task; ``final`` when the task gave up after it."""

    task = models.CharField(_("task"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    error = models.TextField(_("error"))
    final = models.BooleanField(_("gave up"), default=False)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("task failure")
        verbose_name_plural = _("task failures")
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} #{self.attempt}"
