"""Sign-in, and the Admin's pages for employees and roles."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from . import services
from .forms import EmployeeForm, LoginForm, RoleForm
from .models import Employee, Role
from .permissions import grouped


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@permission_required("accounts.manage", raise_exception=True)
def employee_list(request):
    employees = Employee.objects.select_related("role").order_by("full_name", "id")
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/employee_list.html", {"page": page})


@permission_required("accounts.manage", raise_exception=True)
def employee_edit(request, pk: int | None = None):
    employee = get_object_or_404(Employee, pk=pk) if pk else Employee()
    form = EmployeeForm(request.POST or None, instance=employee)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data.get("password")
        if employee.pk:
            services.employee_update(
                actor=request.user, employee=employee, data=form.service_data(), password=password
            )
        else:
            services.employee_create(
                actor=request.user, data=form.service_data(), password=password
            )
        messages.success(request, _("Employee saved."))
        return redirect("accounts:employee_list")
    return render(request, "accounts/employee_form.html", {"form": form, "employee": employee})


@permission_required("accounts.manage", raise_exception=True)
def role_list(request):
    roles = Role.objects.all()
    return render(request, "accounts/role_list.html", {"roles": roles})


@permission_required("accounts.manage", raise_exception=True)
def role_edit(request, pk: int | None = None):
    role = get_object_or_404(Role, pk=pk) if pk else Role()
    if role.full_access:
        raise Http404
    initial = {"name": role.label if role.pk else "", "permissions": role.permissions}
    form = RoleForm(request.POST or None, role=role, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.role_save(
            actor=request.user,
            role=role,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
        )
        messages.success(request, _("Role saved."))
        return redirect("accounts:role_list")
    checked = set(form["permissions"].value() or [])
    groups = [(label, [(p, p.code in checked) for p in perms]) for label, perms in grouped()]
    return render(
        request, "accounts/role_form.html", {"form": form, "role": role, "groups": groups}
    )
