"""Bad input refused with a clear message, and nothing queued."""

import pytest
from django_tasks_db.models import DBTaskResult

from clients.tests.factories import ClientFactory, ClientPhoneFactory
from sms.models import SmsMessage

pytestmark = pytest.mark.django_db


def nothing_queued():
    return not SmsMessage.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("   \n ", "empty"), ("a" * 1601, "too long"), ("😀" * 400, "too long")],
)
def test_bad_text_on_the_page(
    client, manager, ana, text, words, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/clients/{ana.pk}/sms/new/", {"text": text, "phone": ana.phones.get().number}
        )
    assert response.status_code == 200 and words in response.content.decode()
    assert nothing_queued()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "a" * 1601}, "text"),
        ({"text": "Oi", "phone": "12"}, "phone"),
        ({"text": "Oi", "phone": "+5511911112222"}, "phone"),
        ({"text": 5, "client": "x"}, "client"),
        ({"text": ["a"]}, "text"),
        ({"text": "Oi", "template": "abc"}, "template"),
        ({"text": "Oi", "template": 999}, "template"),
    ],
)
def test_bad_input_via_api(api_as, manager, ana, body, field, django_capture_on_commit_callbacks):
    data = {"client": ana.pk, **body}
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager).post("/api/v1/sms/", data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert nothing_queued()


def test_unknown_client_via_api(api_as, manager):
    response = api_as(manager).post("/api/v1/sms/", {"client": 999999, "text": "Oi"}, format="json")
    assert response.status_code == 400 and "client" in response.json()
    assert nothing_queued()


def test_phone_of_another_client_is_refused(api_as, manager, ana):
    other = ClientFactory()
    ClientPhoneFactory(client=other, number="+5511955554444")
    response = api_as(manager).post(
        "/api/v1/sms/", {"client": ana.pk, "text": "Oi", "phone": "+5511955554444"}, format="json"
    )
    assert response.status_code == 400 and "phone" in response.json()
    assert nothing_queued()


def test_all_phones_with_notify_off_is_refused(api_as, client, manager):
    quiet = ClientFactory()
    ClientPhoneFactory(client=quiet, notify=False)
    response = api_as(manager).post(
        "/api/v1/sms/", {"client": quiet.pk, "text": "Oi"}, format="json"
    )
    assert response.status_code == 400
    assert "notify" in response.json()["phone"][0]
    client.force_login(manager)
    html = client.post(f"/clients/{quiet.pk}/sms/new/", {"text": "Oi"}).content.decode()
    assert "notify" in html
    assert nothing_queued()


def test_client_without_phones_is_refused(api_as, manager):
    response = api_as(manager).post(
        "/api/v1/sms/", {"client": ClientFactory().pk, "text": "Oi"}, format="json"
    )
    assert response.status_code == 400 and "phone" in response.json()
    assert nothing_queued()


def test_api_post_queues_in_process(api_as, manager, ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager).post(
            "/api/v1/sms/", {"client": ana.pk, "text": "Olá"}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["text"], body["phone"], body["segments"]) == (
        "in_process",
        "Olá",  # one segment either way: the accent is kept
        "+5511987654321",
        1,
    )
    assert DBTaskResult.objects.count() == 1
