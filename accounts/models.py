"""Employees (the user model) and roles (named sets of permissions)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .permissions import CODES

SYSTEM_ROLE_LABELS = {
    "full_access": _("Full access"),
    "admin": _("Admin"),
    "manager": _("Manager"),
    "specialist": _("Specialist"),
}


class Role(models.Model):
    """A named set of permissions given to employees.

    The four built-in roles carry a ``system_code`` (their names are translated from it);
    Admins create custom roles. "Full access" grants every permission, present and future.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    system_code = models.CharField(max_length=32, blank=True, default="", editable=False)
    full_access = models.BooleanField(_("full access"), default=False)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["system_code"],
                condition=~models.Q(system_code=""),
                name="role_system_code_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return SYSTEM_ROLE_LABELS.get(self.system_code, self.name)

    @property
    def is_system(self) -> bool:
        return bool(self.system_code)

    def grants(self, code: str) -> bool:
        if self.full_access:
            return code in CODES
        return code in self.permissions


class EmployeeManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, login, email, password=None, **fields):
        if not login:
            raise ValueError("An employee needs a login.")
        employee = self.model(login=login, email=self.normalize_email(email).lower(), **fields)
        employee.set_password(password)
        employee.save(using=self._db)
        return employee

    def create_superuser(self, login, email, password=None, **fields):
        fields.setdefault("role", Role.objects.filter(system_code="full_access").first())
        return self.create_user(login, email, password, **fields)


class Employee(AbstractBaseUser):
    """A person who signs in to Oficina. Permissions come from the employee's role."""

    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    login = models.CharField(
        _("login"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = EmployeeManager()

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(Lower("login"), name="employee_login_unique_ci"),
            models.UniqueConstraint(Lower("email"), name="employee_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.login

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.login

    # Django's permission protocol, answered from the role.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def has_perm(self, perm: str, obj=None) -> bool:
        return bool(self.is_active and self.role_id and self.role.grants(perm))

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return any(self.has_perm(code) for code in CODES if code.startswith(app_label + "."))
