"""Where an asset can be: with its owner ("At client"), in one of the company's places
("Pending repair", "Ready for pick-up", …) or with an employee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.builtins import builtin_name


class Warehouse(models.Model):
    """A place an asset is kept.

    There is one warehouse of kind *client*: it means "with its owner", whoever the owner is,
    so every client has an "At client" without a row per client. Company warehouses are the
    shop's own (two come from a data migration, the shop adds more in settings); an employee
    warehouse is what an employee holds, created the first time something moves to them.
    Warehouses are deactivated, never deleted: transfers keep pointing at them.
    """

    class Kind(models.TextChoices):
        CLIENT = "client", _("At client")
        COMPANY = "company", _("Company")
        EMPLOYEE = "employee", _("Employee")

    # The warehouses a shop starts with, in the viewer's language while not renamed.
    BUILTIN_NAMES = {
        "at_client": _("At client"),
        "pending_repair": _("Pending repair"),
        "ready_for_pickup": _("Ready for pick-up"),
    }

    name = models.CharField(_("name"), max_length=100)
    system_code = models.CharField(
        _("system code"), max_length=32, blank=True, default="", editable=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asset_warehouse",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["client", "company", "employee"]),
                name="warehouse_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="employee", employee__isnull=False)
                | (~models.Q(kind="employee") & models.Q(employee__isnull=True)),
                name="warehouse_employee_iff_employee_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="client"),
                name="warehouse_one_client_kind",
            ),
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="warehouse_system_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A built-in warehouse's name in the viewer's language while not renamed, else the
        name as typed (an employee's warehouse is named after the employee)."""
        return builtin_name(self.name, self.BUILTIN_NAMES.get(self.system_code))

    @property
    def is_client(self) -> bool:
        return self.kind == self.Kind.CLIENT
