"""Settings: one link in the top bar, one page that lists what the employee may change."""

import pytest

from accounts.models import Role

pytestmark = pytest.mark.django_db


def page(client, employee):
    client.force_login(employee)
    return client.get("/settings/")


def test_an_admin_sees_every_settings_area(client, admin):
    response = page(client, admin)
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Employees",
        "Roles",
        "Order statuses",
        "Lead settings",
        "Asset settings",
        "SMS templates",
        "Channels",
        "Background tasks",
        "Custom fields",
    ):
        assert label in html, label
    nav = client.get("/clients/").content.decode()
    assert 'href="/settings/"' in nav


def test_without_settings_permissions_there_is_no_link_and_the_page_is_403(client, manager):
    assert page(client, manager).status_code == 403
    assert 'href="/settings/"' not in client.get("/clients/").content.decode()


def test_managing_employees_only_shows_people(client, make_employee):
    role = Role.objects.create(name="HR", permissions=["accounts.manage", "clients.view"])
    hr = make_employee("manager")
    hr.role = role
    hr.save()
    html = page(client, hr).content.decode()
    assert "Employees" in html and "Roles" in html
    assert "SMS templates" not in html and "Background tasks" not in html
