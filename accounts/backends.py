"""Sign-in by login or email; the employee and role are read in one query per request."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import Employee


class EmployeeBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get(Employee.USERNAME_FIELD)
        if not username or password is None:
            return None
        employee = (
            Employee.objects.select_related("role")
            .filter(Q(login__iexact=username) | Q(email__iexact=username))
            .first()
        )
        if employee is None:
            Employee().set_password(password)  # same time cost as a real check
            return None
        if employee.check_password(password) and self.user_can_authenticate(employee):
            return employee
        return None

    def get_user(self, user_id):
        employee = Employee.objects.select_related("role").filter(pk=user_id).first()
        return employee if employee and self.user_can_authenticate(employee) else None

    # Permissions are answered by Employee.has_perm from the role; no per-user tables.
    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False
