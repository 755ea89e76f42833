"""Sending through Twilio's wire format (a local fake server) and the outbox, with retries."""

import pytest

from jobs.models import TaskFailure
from jobs.testing import run_tasks
from sms import services
from sms.models import OutboxMessage, SmsMessage, SmsStatus
from sms.tests.fake_twilio import SID

pytestmark = pytest.mark.django_db


def queue(actor, client, capture, text="Olá, seu pedido está pronto"):
    with capture(execute=True):
        return services.sms_send(actor=actor, client=client, text=text)


def test_twilio_success(manager, ana, twilio, django_capture_on_commit_callbacks):
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.IN_PROCESS
    assert message.text == "Olá, seu pedido está pronto"  # one segment either way
    assert run_tasks() == 1
    (request,) = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["form"] == {
        "To": "+5511987654321",
        "From": "+15005550006",
        "Body": "Olá, seu pedido está pronto",
        "StatusCallback": f"https://shop.example.com/hooks/sms/twilio/?sms={message.pk}",
    }
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.provider == "twilio" and message.provider_id.startswith("SM")
    assert message.sent_at is not None and message.error == ""


def test_messaging_service_instead_of_a_number(
    manager, ana, twilio, settings, django_capture_on_commit_callbacks
):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    queue(manager, ana, django_capture_on_commit_callbacks)
    run_tasks()
    form = twilio.requests[0]["form"]
    assert form["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in form


def test_429_waits_retry_after_then_sends_once(
    manager, ana, twilio, django_capture_on_commit_callbacks, monkeypatch
):
    twilio.answers.append(
        (429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "12"})
    )
    delays = []
    from jobs.base import BackgroundTask

    original = BackgroundTask.enqueue_attempt

    def spy(self, args, kwargs, *, attempt, after=0):
        delays.append((attempt, after))
        return original(self, args, kwargs, attempt=attempt, after=after)

    monkeypatch.setattr(BackgroundTask, "enqueue_attempt", spy)
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    assert run_tasks() == 1  # the retry waits 12 s
    message.refresh_from_db()
    assert message.status == SmsStatus.IN_PROCESS
    assert "Too Many Requests" in message.error
    assert run_tasks(include_delayed=True) == 1
    assert delays == [(1, 0), (2, 12.0)]
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.error == ""
    assert SmsMessage.objects.count() == 1 and len(twilio.requests) == 2
    assert TaskFailure.objects.filter(final=False).count() == 1


def test_permanent_400_is_not_sent_with_twilios_message(
    manager, ana, twilio, client, django_capture_on_commit_callbacks
):
    twilio.answers.append(
        (
            400,
            {
                "code": 21211,
                "message": "The 'To' number is not a valid phone number.",
                "status": 400,
            },
            {},
        )
    )
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    run_tasks(include_delayed=True)
    message.refresh_from_db()
    assert message.status == SmsStatus.NOT_SENT
    assert message.error_code == "21211"
    assert message.error == "The 'To' number is not a valid phone number."
    assert len(twilio.requests) == 1  # never retried
    assert TaskFailure.objects.get().final
    client.force_login(manager)
    html = client.get(f"/clients/{ana.pk}/communications/?section=sms").content.decode()
    assert "Not sent" in html and "21211" in html
    assert "The &#x27;To&#x27; number is not a valid phone number." in html


def test_network_error_then_success(manager, ana, twilio, django_capture_on_commit_callbacks):
    twilio.answers.append(("drop", {}, {}))
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    assert run_tasks(include_delayed=True) == 2
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert "network error" in TaskFailure.objects.get().error or TaskFailure.objects.get().error


def test_5xx_retried_until_attempts_run_out_then_not_sent(
    manager, ana, twilio, django_capture_on_commit_callbacks
):
    twilio.answers.extend([(503, {"message": "Service Unavailable"}, {})] * 5)
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    assert run_tasks(include_delayed=True) == 5
    message.refresh_from_db()
    assert message.status == SmsStatus.NOT_SENT
    assert "503" in message.error


def test_unconfigured_twilio_gives_up(
    manager, ana, twilio, settings, django_capture_on_commit_callbacks
):
    settings.TWILIO_AUTH_TOKEN = ""
    message = queue(manager, ana, django_capture_on_commit_callbacks)
    run_tasks(include_delayed=True)
    message.refresh_from_db()
    assert message.status == SmsStatus.NOT_SENT and "not configured" in message.error


def test_outbox_keeps_the_message(manager, ana, django_capture_on_commit_callbacks):
    message = queue(manager, ana, django_capture_on_commit_callbacks, text="Oi 😀")
    run_tasks()
    item = OutboxMessage.objects.get()
    message.refresh_from_db()
    assert (item.to, item.text, item.message_id) == ("+5511987654321", "Oi 😀", message.pk)
    assert message.status == SmsStatus.SENT and message.provider_id == item.provider_id
    assert message.encoding == "ucs2"


def test_a_repeated_run_does_not_send_twice(manager, ana, django_capture_on_commit_callbacks):
    from sms.tasks import send_sms

    message = queue(manager, ana, django_capture_on_commit_callbacks)
    run_tasks()
    send_sms.run_now(message.pk)
    assert OutboxMessage.objects.count() == 1
