"""Signing in and out, the language switch, and the Admin's pages for employees and roles."""

import re

import pytest

from accounts.models import Employee, Role

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Oficina-Chave-2024!"


def signed_in_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def html_lang(response) -> str:
    match = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


# --- signing in and out ---------------------------------------------------------------------


def test_login_page_shows_the_form(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "Login or email" in html


@pytest.mark.parametrize("username", ["mgr", "MGR", "mgr@example.com", "Mgr@Example.COM"])
def test_login_with_login_or_email(client, manager, username):
    response = client.post("/login/", {"username": username, "password": "mgr"})
    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    assert signed_in_id(client) == str(manager.pk)
    assert client.get("/clients/").status_code == 200


def test_login_follows_next(client, manager):
    response = client.post(
        "/login/", {"username": "mgr", "password": "mgr", "next": "/clients/new/"}
    )
    assert response["Location"] == "/clients/new/"


def test_login_does_not_follow_next_to_another_site(client, manager):
    response = client.post(
        "/login/", {"username": "mgr", "password": "mgr", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/clients/"


def test_wrong_password_is_refused_with_a_message(client, manager):
    response = client.post("/login/", {"username": "mgr", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct login and password." in html
    assert 'value="mgr"' in html  # what was typed is kept
    assert signed_in_id(client) is None


def test_unknown_user_gets_the_same_message(client):
    response = client.post("/login/", {"username": "nobody", "password": "x"})
    assert "Please enter a correct login and password." in response.content.decode()
    assert signed_in_id(client) is None


def test_inactive_employee_cannot_sign_in(client, make_employee):
    make_employee("manager", login="gone", is_active=False)
    response = client.post("/login/", {"username": "gone", "password": "gone"})
    assert response.status_code == 200
    assert signed_in_id(client) is None


def test_signed_in_visitor_of_login_page_goes_to_the_clients(client, manager):
    client.force_login(manager)
    response = client.get("/login/")
    assert response["Location"] == "/clients/"


def test_logout_by_post(client, manager):
    client.force_login(manager)
    page = client.get("/clients/").content.decode()
    assert 'action="/logout/"' in page
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert signed_in_id(client) is None
    assert client.get("/clients/")["Location"].startswith("/login/")


def test_logout_by_get_is_refused(client, manager):
    client.force_login(manager)
    assert client.get("/logout/").status_code == 405
    assert signed_in_id(client) == str(manager.pk)


# --- the language switch --------------------------------------------------------------------


def test_pages_are_english_by_default(client, manager):
    client.force_login(manager)
    assert html_lang(client.get("/clients/")) == "en"


def test_switch_to_portuguese_and_back(client, manager):
    client.force_login(manager)
    page = client.get("/clients/").content.decode()
    assert 'id="language-select"' in page
    response = client.post("/i18n/setlang/", {"language": "pt-br", "next": "/clients/?tag=x"})
    assert response["Location"] == "/clients/?tag=x"
    assert html_lang(client.get("/clients/")) == "pt-br"
    assert html_lang(client.get("/clients/new/")) == "pt-br"

    client.post("/i18n/setlang/", {"language": "en", "next": "/clients/"})
    assert html_lang(client.get("/clients/")) == "en"


def test_anonymous_visitor_can_switch_language_on_the_login_page(client):
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/login/"})
    assert html_lang(client.get("/login/")) == "pt-br"


def test_unknown_language_is_ignored(client, manager):
    client.force_login(manager)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/clients/"})
    assert html_lang(client.get("/clients/")) == "en"


def test_browser_language_is_honoured(client, manager):
    client.force_login(manager)
    response = client.get("/clients/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert html_lang(response) == "pt-br"


# --- employees ------------------------------------------------------------------------------


def employee_data(**overrides) -> dict:
    data = {
        "full_name": "Rafaela Costa",
        "login": "rafa",
        "email": "Rafa@Example.com",
        "phone": "(11) 91234-5678",
        "role": str(Role.objects.get(system_code="specialist").pk),
        "is_active": "on",
        "password": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def test_admin_creates_an_employee_who_can_sign_in(as_admin, client):
    response = as_admin.post("/settings/employees/new/", employee_data())
    assert response.status_code == 302
    assert response["Location"] == "/settings/employees/"
    listing = as_admin.get("/settings/employees/").content.decode()
    assert "Employee saved." in listing
    assert "Rafaela Costa" in listing
    employee = Employee.objects.get(login="rafa")
    assert employee.email == "rafa@example.com"
    assert employee.phone == "+5511912345678"
    assert employee.role.system_code == "specialist"

    as_admin.post("/logout/")
    response = client.post("/login/", {"username": "rafa", "password": STRONG_PASSWORD})
    assert response["Location"] == "/clients/"
    assert signed_in_id(client) == str(employee.pk)
    # As a Specialist she cannot open the Admin's pages.
    assert client.get("/settings/employees/").status_code == 403


def test_new_employee_needs_a_password_and_a_name(as_admin):
    response = as_admin.post("/settings/employees/new/", employee_data(password="", full_name=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Employee.objects.filter(login="rafa").exists()


def test_weak_password_is_refused(as_admin):
    response = as_admin.post("/settings/employees/new/", employee_data(password="123"))
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert not Employee.objects.filter(login="rafa").exists()


def test_admin_edits_an_employee_and_keeps_the_password(as_admin, client, make_employee):
    worker = make_employee("specialist", login="worker", full_name="Old Name")
    data = employee_data(
        full_name="New Name",
        login="worker",
        email="worker@example.com",
        password="",
        role=str(Role.objects.get(system_code="manager").pk),
    )
    response = as_admin.post(f"/settings/employees/{worker.pk}/", data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.full_name == "New Name"
    assert worker.role.system_code == "manager"
    assert worker.check_password("worker")


def test_admin_deactivates_an_employee_who_then_cannot_sign_in(as_admin, client, make_employee):
    worker = make_employee("specialist", login="leaver")
    data = employee_data(login="leaver", email="leaver@example.com", password="")
    data.pop("is_active")
    as_admin.post(f"/settings/employees/{worker.pk}/", data)
    worker.refresh_from_db()
    assert not worker.is_active
    client.logout()
    client.post("/login/", {"username": "leaver", "password": "leaver"})
    assert signed_in_id(client) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("login", "MGR", "Another employee already uses this login."),
        ("email", "Mgr@Example.com", "Another employee already uses this email."),
    ],
)
def test_duplicate_login_or_email_is_refused(as_admin, manager, field, value, message):
    before = Employee.objects.count()
    response = as_admin.post("/settings/employees/new/", employee_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Employee.objects.count() == before


def test_editing_an_employee_into_a_clash_is_refused(as_admin, manager, make_employee):
    other = make_employee("specialist", login="other")
    data = employee_data(login="other", email="mgr@example.com", password="")
    response = as_admin.post(f"/settings/employees/{other.pk}/", data)
    assert "Another employee already uses this email." in response.content.decode()
    other.refresh_from_db()
    assert other.email == "other@example.com"


# --- roles ----------------------------------------------------------------------------------


def test_admin_creates_a_custom_role_with_chosen_permissions(as_admin, client, make_employee):
    response = as_admin.post(
        "/settings/roles/new/",
        {"name": "Front desk", "permissions": ["clients.view", "clients.create"]},
    )
    assert response["Location"] == "/settings/roles/"
    listing = as_admin.get("/settings/roles/").content.decode()
    assert "Role saved." in listing
    assert "Front desk" in listing
    role = Role.objects.get(name="Front desk")
    assert role.permissions == ["clients.create", "clients.view"]
    assert not role.full_access

    # The form shows what was chosen.
    form = as_admin.get(f"/settings/roles/{role.pk}/").content.decode()
    assert re.search(r'value="clients\.view"\s+checked', form)
    assert not re.search(r'value="clients\.delete"\s+checked', form)

    # An employee with the role can do exactly that.
    desk = make_employee(role=role, login="desk")
    client.force_login(desk)
    assert client.get("/clients/").status_code == 200
    assert client.get("/clients/new/").status_code == 200
    assert client.get("/settings/employees/").status_code == 403


def test_admin_changes_a_custom_roles_permissions(as_admin, make_employee, client):
    role = Role.objects.create(name="Desk", permissions=["clients.view"])
    desk = make_employee(role=role, login="desk")
    as_admin.post(f"/settings/roles/{role.pk}/", {"name": "Desk", "permissions": []})
    role.refresh_from_db()
    assert role.permissions == []
    client.force_login(desk)
    assert client.get("/clients/").status_code == 403


def test_unknown_permission_codes_are_not_stored(as_admin):
    response = as_admin.post(
        "/settings/roles/new/", {"name": "Sneaky", "permissions": ["clients.view", "root.all"]}
    )
    assert response.status_code == 200  # refused as an invalid choice
    assert not Role.objects.filter(name="Sneaky").exists()


def test_duplicate_role_name_is_refused(as_admin):
    response = as_admin.post("/settings/roles/new/", {"name": "manager", "permissions": []})
    assert "A role with this name already exists." in response.content.decode()
    assert Role.objects.filter(name__iexact="manager").count() == 1


def test_built_in_role_keeps_its_name(as_admin):
    manager_role = Role.objects.get(system_code="manager")
    as_admin.post(
        f"/settings/roles/{manager_role.pk}/", {"name": "Boss", "permissions": ["clients.view"]}
    )
    manager_role.refresh_from_db()
    assert manager_role.name == "Manager"
    assert manager_role.permissions == ["clients.view"]
    listing = as_admin.get("/settings/roles/").content.decode()
    assert '<span class="badge">Built-in</span>' in listing  # as on the lead settings


def test_full_access_role_cannot_be_edited(as_admin):
    full = Role.objects.get(system_code="full_access")
    assert as_admin.get(f"/settings/roles/{full.pk}/").status_code == 404
    response = as_admin.post(f"/settings/roles/{full.pk}/", {"name": "X", "permissions": []})
    assert response.status_code == 404
    full.refresh_from_db()
    assert full.full_access
    assert full.name == "Full access"
    listing = as_admin.get("/settings/roles/").content.decode()
    assert f'href="/settings/roles/{full.pk}/"' not in listing


@pytest.mark.parametrize(
    "path",
    [
        "/settings/employees/",
        "/settings/employees/new/",
        "/settings/roles/",
        "/settings/roles/new/",
    ],
)
def test_manager_gets_403_on_admin_pages(client, manager, path):
    client.force_login(manager)
    assert client.get(path).status_code == 403


def test_manager_cannot_create_employees_or_roles(client, manager):
    client.force_login(manager)
    before = (Employee.objects.count(), Role.objects.count())
    assert client.post("/settings/employees/new/", employee_data()).status_code == 403
    response = client.post(
        "/settings/roles/new/", {"name": "Mine", "permissions": ["accounts.manage"]}
    )
    assert response.status_code == 403
    own_role = manager.role
    response = client.post(
        f"/settings/roles/{own_role.pk}/", {"name": "", "permissions": ["accounts.manage"]}
    )
    assert response.status_code == 403
    own_role.refresh_from_db()
    assert "accounts.manage" not in own_role.permissions
    assert (Employee.objects.count(), Role.objects.count()) == before


def test_manager_cannot_edit_an_employee(client, manager, admin):
    client.force_login(manager)
    data = employee_data(login="boss", email="boss@example.com", password=STRONG_PASSWORD)
    assert client.post(f"/settings/employees/{admin.pk}/", data).status_code == 403
    admin.refresh_from_db()
    assert admin.check_password("boss")


def test_admin_menu_shown_only_to_admins(client, manager, admin):
    client.force_login(manager)
    assert 'href="/settings/"' not in client.get("/clients/").content.decode()
    assert client.get("/settings/").status_code == 403
    client.force_login(admin)
    assert 'href="/settings/"' in client.get("/clients/").content.decode()
    assert "/settings/employees/" in client.get("/settings/").content.decode()
