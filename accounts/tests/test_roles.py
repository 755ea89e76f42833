"""Built-in roles, permissions answered from the role, and sign-in by login or email."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from accounts.models import Employee, Role
from accounts.permissions import CODES

pytestmark = pytest.mark.django_db


def role(code):
    return Role.objects.get(system_code=code)


def granted(r):
    return {code for code in CODES if r.grants(code)}


def test_the_four_built_in_roles_exist_after_migrations():
    assert set(Role.objects.exclude(system_code="").values_list("system_code", flat=True)) == {
        "full_access",
        "admin",
        "manager",
        "specialist",
    }
    for r in Role.objects.exclude(system_code=""):
        assert r.is_system


def test_full_access_grants_every_permission_and_nothing_unknown():
    full = role("full_access")
    assert full.full_access
    assert granted(full) == set(CODES)
    assert not full.grants("nonsense.code")


def test_every_stored_permission_of_a_built_in_role_is_a_known_code():
    for r in Role.objects.exclude(system_code=""):
        assert set(r.permissions) <= CODES, r.system_code


def test_admin_role():
    admin = role("admin")
    assert not admin.full_access
    assert {"clients.delete", "clients.import", "accounts.manage", "core.settings"} <= granted(
        admin
    )


def test_manager_role():
    manager = role("manager")
    assert not manager.full_access
    assert {"clients.view", "clients.create", "clients.edit", "ledger.refund"} <= granted(manager)
    assert not manager.grants("accounts.manage")
    assert not manager.grants("core.settings")
    assert not manager.grants("clients.delete")


def test_specialist_role():
    specialist = role("specialist")
    assert {"clients.view", "clients.create", "clients.edit"} <= granted(specialist)
    assert not specialist.grants("clients.delete")
    assert not specialist.grants("ledger.refund")
    assert not specialist.grants("accounts.manage")
    assert not specialist.grants("documents.view_all")


def test_built_in_role_labels():
    assert str(role("full_access")) == "Full access"
    assert str(role("specialist")) == "Specialist"
    custom = Role.objects.create(name="Cashier", permissions=["ledger.view_balance"])
    assert str(custom) == "Cashier"
    assert not custom.is_system


def test_employee_has_perm_follows_the_role(admin, manager, specialist):
    assert admin.has_perm("clients.delete")
    assert not manager.has_perm("clients.delete")
    assert manager.has_perm("clients.view")
    assert not specialist.has_perm("clients.delete")
    assert specialist.has_perms(["clients.view", "clients.edit"])
    assert not specialist.has_perms(["clients.view", "clients.delete"])
    assert not admin.is_staff and not admin.is_superuser


def test_full_access_employee_has_every_permission(make_employee):
    boss = make_employee("full_access")
    assert all(boss.has_perm(code) for code in CODES)
    assert not boss.has_perm("clients.fly")


def test_changing_the_role_changes_permissions(manager):
    manager.role = role("admin")
    manager.save()
    assert Employee.objects.get(pk=manager.pk).has_perm("clients.delete")


def test_custom_role_grants_exactly_its_permissions(make_employee):
    custom = Role.objects.create(name="Viewer", permissions=["clients.view"])
    viewer = make_employee("manager")
    viewer.role = custom
    viewer.save()
    assert viewer.has_perm("clients.view")
    assert {code for code in CODES if viewer.has_perm(code)} == {"clients.view"}


def test_employee_without_a_role_has_no_permissions(make_employee):
    nobody = make_employee("manager")
    nobody.role = None
    nobody.save()
    assert not any(nobody.has_perm(code) for code in CODES)
    assert not nobody.has_module_perms("clients")


def test_has_module_perms(make_employee, specialist):
    assert specialist.has_module_perms("clients")
    assert specialist.has_module_perms("documents")
    assert not specialist.has_module_perms("accounts")
    assert not specialist.has_module_perms("ledger")
    empty = make_employee("manager")
    empty.role = Role.objects.create(name="Empty", permissions=[])
    empty.save()
    assert not empty.has_module_perms("clients")
    # "clients" is not a prefix match for a made-up "client" area.
    assert not specialist.has_module_perms("client")


def test_inactive_employee_has_no_permissions(make_employee):
    boss = make_employee("full_access")
    boss.is_active = False
    boss.save()
    assert not any(boss.has_perm(code) for code in CODES)
    assert not boss.has_module_perms("clients")


@pytest.mark.parametrize("username", ["mgr", "MGR", "Mgr", "mgr@example.com", "MGR@Example.COM"])
def test_sign_in_by_login_or_email_in_any_case(manager, username):
    assert authenticate(username=username, password="mgr") == manager


@pytest.mark.parametrize(
    ("username", "password"),
    [("mgr", "MGR"), ("mgr", "wrong"), ("mgr", ""), ("nobody", "mgr"), ("", "mgr"), ("mgr", None)],
)
def test_sign_in_refused(manager, username, password):
    assert authenticate(username=username, password=password) is None


def test_inactive_employee_cannot_sign_in(manager):
    manager.is_active = False
    manager.save()
    assert authenticate(username="mgr", password="mgr") is None
    assert authenticate(username="mgr@example.com", password="mgr") is None


def test_logins_differing_only_in_case_cannot_both_exist(make_employee):
    make_employee("manager", login="carla")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_employee("manager", login="CARLA", email="other@example.com")


def test_emails_differing_only_in_case_cannot_both_exist(make_employee):
    make_employee("manager", login="carla", email="carla@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_employee("manager", login="carla2", email="CARLA@example.com")


def test_create_user_stores_email_in_lower_case():
    employee = Employee.objects.create_user("zeca", "Zeca@Example.COM", "pw", full_name="Zeca")
    assert employee.email == "zeca@example.com"
    assert authenticate(username="ZECA@example.com", password="pw") == employee


def test_create_superuser_gets_full_access():
    boss = Employee.objects.create_superuser("root", "root@example.com", "pw", full_name="Root")
    assert boss.role == role("full_access")
    assert boss.has_perm("accounts.manage")
