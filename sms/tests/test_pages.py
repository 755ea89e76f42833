"""The SMS section, live row polling, the shop page and its filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients.tests.factories import ClientFactory
from sms.models import SmsStatus
from sms.tests.factories import SmsMessageFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_section_empty_state_and_send_button(client, manager, ana):
    client.force_login(manager)
    html = client.get(f"/clients/{ana.pk}/communications/?section=sms", **HX).content.decode()
    assert "No SMS yet." in html and "Send SMS" in html


def test_section_lists_newest_first_with_pagination(client, manager, ana):
    now = timezone.now()
    for i in range(30):
        SmsMessageFactory(client=ana, text=f"msg{i:02d}", created_at=now - timedelta(minutes=i))
    SmsMessageFactory(text="someone else's")
    client.force_login(manager)
    html = client.get(f"/clients/{ana.pk}/communications/?section=sms", **HX).content.decode()
    assert html.index("msg00") < html.index("msg01") and "msg29" not in html
    assert "someone else" not in html and "Page 1 of 2" in html
    part = client.get(f"/clients/{ana.pk}/communications/?section=sms&part=list&page=2", **HX)
    body = part.content.decode()
    assert "msg29" in body and "section-strip" not in body


def test_rows_poll_until_final(client, manager, ana):
    sms = SmsMessageFactory(client=ana, status=SmsStatus.SENT)
    client.force_login(manager)
    response = client.get(f"/sms/{sms.pk}/row/", **HX)
    assert response.status_code == 200 and 'hx-trigger="every 3s"' in response.content.decode()
    sms.status = SmsStatus.DELIVERED
    sms.save()
    response = client.get(f"/sms/{sms.pk}/row/", **HX)
    assert response.status_code == 286 and "every 3s" not in response.content.decode()
    assert "Delivered" in response.content.decode()


def test_preview_counts_live(client, manager, ana):
    client.force_login(manager)
    html = client.post(f"/clients/{ana.pk}/sms/preview/", {"text": "Olá"}, **HX).content.decode()
    assert 'data-encoding="UCS-2"' in html and 'data-segments="1"' in html and "67" in html
    assert 'data-simplified="false"' in html  # one segment either way: the accent stays
    long_text = "Olá, seu aparelho está pronto para retirada na loja. " * 2  # 106: 2 in UCS-2
    html = client.post(f"/clients/{ana.pk}/sms/preview/", {"text": long_text}, **HX).content
    html = html.decode()
    assert 'data-encoding="GSM-7"' in html and 'data-segments="1"' in html
    assert 'data-simplified="true"' in html
    assert "Accents will be simplified" in html and "1 segment instead of 2" in html
    html = client.post(f"/clients/{ana.pk}/sms/preview/", {"text": "Olá 😀"}, **HX).content.decode()
    assert 'data-encoding="UCS-2"' in html


def test_shop_page_filters(client, manager, ana):
    bruno = ClientFactory(first_name="Bruno", last_name="Lima")
    SmsMessageFactory(client=ana, text="first", status=SmsStatus.DELIVERED)
    SmsMessageFactory(
        client=bruno, phone="+5521999998888", text="second", status=SmsStatus.NOT_SENT
    )
    client.force_login(manager)
    html = client.get("/sms/").content.decode()
    assert "first" in html and "second" in html
    html = client.get("/sms/?status=not_sent", **HX).content.decode()
    assert "second" in html and "first" not in html
    html = client.get("/sms/?search=8888", **HX).content.decode()
    assert "second" in html and "first" not in html
    html = client.get("/sms/?search=(21) 99999-8888", **HX).content.decode()
    assert "second" in html and "first" not in html
    html = client.get("/sms/?search=bruno", **HX).content.decode()
    assert "second" in html and "first" not in html
    today = timezone.localdate().isoformat()
    assert "first" in client.get(f"/sms/?date_from={today}&date_to={today}", **HX).content.decode()
    assert "first" not in client.get("/sms/?date_to=2000-01-01", **HX).content.decode()
    assert client.get("/sms/?status=bogus&date_from=x").status_code == 200


def test_api_list_filters(api_as, manager, ana):
    SmsMessageFactory(client=ana, status=SmsStatus.DELIVERED)
    SmsMessageFactory(status=SmsStatus.SENT)
    api = api_as(manager)
    assert api.get("/api/v1/sms/").json()["count"] == 2
    assert api.get(f"/api/v1/sms/?client={ana.pk}").json()["count"] == 1
    assert api.get("/api/v1/sms/?status=sent").json()["count"] == 1


def test_nav_link(client, manager):
    client.force_login(manager)
    assert 'href="/sms/"' in client.get("/clients/").content.decode()
