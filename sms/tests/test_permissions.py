"""Who may see and send SMS: each role and each endpoint; a refusal changes nothing."""

import pytest
from django_tasks_db.models import DBTaskResult

from sms.models import OutboxMessage, SmsMessage, SmsStatus, SmsTemplate
from sms.tests.factories import SmsMessageFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db
ROLES = ["admin", "manager", "specialist", "nobody"]


@pytest.fixture
def employee(request, make_employee):
    if request.param == "nobody":
        from accounts.models import Role

        role = Role.objects.create(name="Nothing", permissions=[])
        return make_employee("manager", role=role)
    return make_employee(request.param)


PAGES = [
    # (method, url, data, allowed roles)
    ("get", "/sms/", None, {"admin", "manager", "specialist"}),
    ("get", "/clients/{c}/communications/?section=sms", None, {"admin", "manager", "specialist"}),
    ("get", "/sms/{m}/row/", None, {"admin", "manager", "specialist"}),
    ("get", "/clients/{c}/sms/new/", None, {"admin", "manager", "specialist"}),
    ("post", "/clients/{c}/sms/preview/", {"text": "Oi"}, {"admin", "manager", "specialist"}),
    ("get", "/sms/outbox/", None, {"admin"}),
    ("get", "/settings/sms-templates/", None, {"admin"}),
    ("get", "/settings/sms-templates/new/", None, {"admin"}),
]


@pytest.mark.parametrize("employee", ROLES, indirect=True)
@pytest.mark.parametrize(("method", "url", "data", "allowed"), PAGES)
def test_page_matrix(client, employee, ana, method, url, data, allowed):
    sms = SmsMessageFactory(client=ana, status=SmsStatus.DELIVERED)
    client.force_login(employee)
    response = getattr(client, method)(url.format(c=ana.pk, m=sms.pk), data or {})
    ok = response.status_code in (200, 286)
    assert ok == (employee.role.system_code in allowed), (url, response.status_code)
    if not ok:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("employee", ROLES, indirect=True)
def test_sending_needs_the_permission_and_refusal_queues_nothing(
    client, employee, ana, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/clients/{ana.pk}/sms/new/", {"text": "Oi"})
    may = employee.has_perm("communications.send_sms") and employee.has_perm("clients.view")
    assert (response.status_code == 200 and SmsMessage.objects.count() == 1) == may
    if not may:
        assert response.status_code == 403
        assert not SmsMessage.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.parametrize("employee", ROLES, indirect=True)
def test_api_matrix(api_as, employee, ana, django_capture_on_commit_callbacks):
    api = api_as(employee)
    can_view = employee.has_perm("clients.view")
    assert (api.get("/api/v1/sms/").status_code == 200) == can_view
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/sms/", {"client": ana.pk, "text": "Oi"}, format="json")
    may = can_view and employee.has_perm("communications.send_sms")
    assert response.status_code == (201 if may else 403)
    assert SmsMessage.objects.exists() == may


def test_api_without_credentials_is_401(api_client):
    assert api_client.get("/api/v1/sms/").status_code == 401


def test_specialist_may_not_simulate_reports_or_edit_templates(client, specialist, ana):
    sms = SmsMessageFactory(client=ana, status=SmsStatus.SENT, provider_id="OBx")
    item = OutboxMessage.objects.create(message=sms, provider_id="OBx", to=sms.phone, text="x")
    template = SmsTemplateFactory()
    client.force_login(specialist)
    assert client.post(f"/sms/outbox/{item.pk}/report/", {"status": "delivered"}).status_code == 403
    assert client.post(f"/settings/sms-templates/{template.pk}/delete/").status_code == 403
    assert (
        client.post("/settings/sms-templates/new/", {"name": "x", "text": "y"}).status_code == 403
    )
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and SmsTemplate.objects.count() == 1


def test_admin_simulates_a_delivery_report(client, admin, ana):
    sms = SmsMessageFactory(client=ana, status=SmsStatus.SENT, provider_id="OBy")
    item = OutboxMessage.objects.create(message=sms, provider_id="OBy", to=sms.phone, text="x")
    client.force_login(admin)
    outbox = client.get("/sms/outbox/").content.decode()
    assert f"/sms/outbox/{item.pk}/report/" in outbox
    assert client.post(f"/sms/outbox/{item.pk}/report/", {"status": "delivered"}).status_code == 302
    sms.refresh_from_db()
    assert sms.status == SmsStatus.DELIVERED
    assert client.post(f"/sms/outbox/{item.pk}/report/", {"status": "bogus"}).status_code == 404


def test_unknown_ids_are_404(client, admin):
    client.force_login(admin)
    assert client.get("/sms/999999/row/").status_code == 404
    assert client.get("/clients/999999/sms/new/").status_code == 404
