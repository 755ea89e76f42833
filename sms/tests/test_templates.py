"""Template variables, checks at save and errors at preview."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients.models import Client
from documents.orders import order_create
from sms import services, templating
from sms.models import SmsMessage, SmsTemplate
from sms.tests.factories import SmsTemplateFactory

pytestmark = pytest.mark.django_db


def test_variables_are_rendered(ana, manager, settings):
    settings.OFICINA_COMPANY_NAME = "Oficina Boa"
    Client.objects.filter(pk=ana.pk).update(balance=Decimal("-50"))
    ana.refresh_from_db()
    order = order_create(actor=manager, client=ana, malfunction="Screen")
    text = templating.render(
        "{client_name}: {last_order_number} is {last_order_status}; "
        "{balance} at {company_name} {{ok}}",
        ana,
        manager,
    )
    assert text.startswith(f"Ana Souza: {order.number} is {order.status.name}; ")
    assert "50" in text and text.endswith("at Oficina Boa {ok}")


def test_unknown_variable_is_a_clear_error_at_preview(ana, client, admin):
    template = SmsTemplate.objects.create(name="old", text="Hi {nickname}")  # saved before a rename
    client.force_login(admin)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert "Unknown variable {nickname}" in html


def test_client_without_orders_and_last_order_variable(ana, client, admin):
    template = SmsTemplateFactory(text="Order {last_order_number} is ready")
    with pytest.raises(ValidationError, match="no orders"):
        templating.render(template.text, ana, admin)
    client.force_login(admin)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert "has no value" in html and "no orders" in html
    with pytest.raises(ValidationError):
        services.sms_send(actor=admin, client=ana, template=template)
    response = client.post(f"/clients/{ana.pk}/sms/new/", {"template": template.pk, "text": ""})
    assert response.status_code == 200 and "no orders" in response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["Hi {client_name", "Hi }", "{balance:>10}", "{client_name!r}", "{0}", "{}", "{x.y}", "{nope}"],
)
def test_a_template_with_a_syntax_error_is_refused_when_saved(admin, text):
    with pytest.raises(ValidationError):
        services.sms_template_save(actor=admin, name="Bad", text=text)
    assert not SmsTemplate.objects.exists()


def test_settings_page_refuses_a_bad_template(client, admin):
    client.force_login(admin)
    response = client.post(
        "/settings/sms-templates/new/", {"name": "Bad", "text": "Hi {client_name", "position": 0}
    )
    assert response.status_code == 200 and "Braces do not match" in response.content.decode()
    response = client.post(
        "/settings/sms-templates/new/",
        {"name": "Good", "text": "Hi {client_name}", "position": 0, "active": "on"},
    )
    assert response.status_code == 302
    template = SmsTemplate.objects.get()
    listing = client.get("/settings/sms-templates/")
    assert listing.status_code == 200
    assert "<td>Yes</td>" in listing.content.decode()  # capitalised, as on the other lists
    assert client.post(f"/settings/sms-templates/{template.pk}/delete/").status_code == 302
    assert not SmsTemplate.objects.exists()


def test_unsafe_html_is_shown_escaped(ana, client, admin, django_capture_on_commit_callbacks):
    ana.first_name = "<b>Ana</b>"
    ana.save()
    template = SmsTemplateFactory(text="<script>alert(1)</script> {client_name}")
    client.force_login(admin)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(actor=admin, client=ana, template=template)
    html = client.get(f"/clients/{ana.pk}/communications/?section=sms").content.decode()
    assert "<script>alert" not in html and "&lt;b&gt;Ana&lt;/b&gt;" in html


# --- A template shows an employee nothing their role hides from them ----------------------


def test_balance_is_not_filled_in_for_an_employee_who_may_not_see_balances(
    ana, client, specialist, api_as, manager
):
    Client.objects.filter(pk=ana.pk).update(balance=Decimal("1234.56"))
    template = SmsTemplateFactory(text="Seu saldo: {balance}")
    client.force_login(specialist)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert "not filled in for you" in html
    assert "1234" not in html and "1.234" not in html
    response = api_as(specialist).post(
        "/api/v1/sms/", {"client": ana.pk, "template": template.pk}, format="json"
    )
    assert response.status_code == 400
    assert "not filled in for you" in str(response.json())
    assert not SmsMessage.objects.exists()
    # A manager, who sees balances, gets it filled in.
    client.force_login(manager)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert "1.234,56" in html or "1,234.56" in html


def test_the_last_order_is_the_last_one_the_employee_may_see(ana, client, specialist, manager):
    mine = order_create(actor=manager, client=ana, assignee=specialist, malfunction="Tela")
    newer = order_create(actor=manager, client=ana, malfunction="Bateria")  # not theirs
    template = SmsTemplateFactory(text="Pedido {last_order_number}")
    assert templating.render(template.text, ana, manager) == f"Pedido {newer.number}"
    assert templating.render(template.text, ana, specialist) == f"Pedido {mine.number}"
    client.force_login(specialist)
    html = client.post(f"/clients/{ana.pk}/sms/fill/", {"template": template.pk}).content.decode()
    assert mine.number in html and newer.number not in html
