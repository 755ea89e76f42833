"""The counters that number documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSequence(models.Model):
    """The counter that numbers one type of document (orders, estimates, sales, leads).

    Read and moved only by ``documents.numbering.next_number`` inside the transaction that
    creates the document, under the row's lock: numbers are unique and leave no gaps.
    """

    class DocType(models.TextChoices):
        ORDER = "order", _("Work order")
        ESTIMATE = "estimate", _("Estimate")
        SALE = "sale", _("Sale")
        LEAD = "lead", _("Lead")

    doc_type = models.CharField(
        _("document type"), max_length=16, choices=DocType.choices, unique=True
    )
    prefix = models.CharField(_("prefix"), max_length=10, blank=True, default="")
    digits = models.PositiveSmallIntegerField(
        _("digits"), default=6, help_text=_("Numbers are padded with zeros to this length.")
    )
    last_value = models.BigIntegerField(_("last number"), default=0)

    class Meta:
        ordering = ["doc_type"]
        verbose_name = _("document numbering")
        verbose_name_plural = _("document numbering")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(doc_type__in=["order", "estimate", "sale", "lead"]),
                name="documentsequence_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(last_value__gte=0), name="documentsequence_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(digits__gte=1, digits__lte=12),
                name="documentsequence_digits_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.number_for(self.last_value + 1)}"

    def number_for(self, value: int) -> str:
        """``value`` as a document number: prefix, then the value padded with zeros."""
        return f"{self.prefix}{value:0{self.digits}d}"
