"""Changes to employees and roles."""

from django.db import transaction

from .models import Employee, Role
from .permissions import CODES


@transaction.atomic
def employee_create(*, actor, data: dict, password: str) -> Employee:
    """Create an employee who can sign in with ``password``."""
    employee = Employee(**data)
    employee.email = employee.email.lower()
    employee.set_password(password)
    employee.save()
    return employee


@transaction.atomic
def employee_update(*, actor, employee: Employee, data: dict, password: str | None = None):
    """Change an employee; a new password replaces the old one when given."""
    for field, value in data.items():
        setattr(employee, field, value)
    employee.email = employee.email.lower()
    if password:
        employee.set_password(password)
    employee.save()
    return employee


@transaction.atomic
def role_save(*, actor, role: Role, name: str, permissions: list[str]) -> Role:
    """Create or change a role. Unknown permission codes are dropped, never stored."""
    if role.full_access:
        raise ValueError("The Full access role grants everything and cannot be changed.")
    if not role.system_code:
        role.name = name
    role.permissions = sorted(set(permissions) & CODES)
    role.save()
    return role
