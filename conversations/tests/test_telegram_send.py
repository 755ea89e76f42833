"""Replies through the Bot API (a local fake that answers as Telegram does): what is sent,
what is stored, and how refusals are retried or given up."""

import logging

import pytest

from conversations import services
from conversations.models import Attachment, Conversation, Message
from jobs.models import TaskFailure
from jobs.testing import queued, run_tasks

from . import fake_telegram as tg
from .factories import ConversationFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db
CHAT = tg.MARIA["id"]


@pytest.fixture
def telegram(settings):
    yield from tg.serve(settings)


@pytest.fixture
def conversation(telegram):
    telegram.add_chat(CHAT)
    channel = TelegramChannelFactory(
        credentials={"bot_token": tg.TOKEN},
        details={"username": tg.BOT["username"], "bot_id": tg.BOT["id"]},
    )
    return ConversationFactory(channel=channel, external_id=str(CHAT), contact_name="Maria")


@pytest.fixture
def send(manager, django_capture_on_commit_callbacks):
    def write(conversation, text="Seu celular está pronto!", files=()):
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_send(
                actor=manager, conversation=conversation, text=text, files=files
            )

    return write


def state(message):
    message.refresh_from_db()
    return message.delivery, message.error


def test_a_reply_goes_out_with_sendmessage_and_is_sent(telegram, conversation, send):
    message = send(conversation)
    assert message.delivery == Message.Delivery.PENDING
    assert run_tasks() == 1
    (call,) = telegram.requests
    assert call["method"] == "sendMessage" and call["token"] == tg.TOKEN
    assert call["params"] == {"chat_id": CHAT, "text": "Seu celular está pronto!"}
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.SENT and message.error == ""
    assert message.external_id.isdigit()


def test_429_waits_retry_after_then_sends_once(telegram, conversation, send, monkeypatch):
    telegram.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    delays = []
    from jobs.base import BackgroundTask

    original = BackgroundTask.enqueue_attempt

    def spy(self, args, kwargs, *, attempt, after=0):
        delays.append((attempt, after))
        return original(self, args, kwargs, attempt=attempt, after=after)

    monkeypatch.setattr(BackgroundTask, "enqueue_attempt", spy)
    message = send(conversation)
    assert run_tasks() == 1  # the retry waits 7 s: not due yet
    assert state(message) == (Message.Delivery.PENDING, "")
    (waiting,) = queued(include_delayed=True)
    assert not queued()
    assert 6 <= (waiting.run_after - waiting.enqueued_at).total_seconds() <= 8
    assert run_tasks(include_delayed=True) == 1
    assert delays == [(1, 0), (2, 7.0)]
    assert state(message)[0] == Message.Delivery.SENT
    assert len(telegram.calls("sendMessage")) == 2
    failure = TaskFailure.objects.get()
    assert not failure.final and "Too Many Requests" in failure.error


def test_a_permanent_400_is_not_delivered_with_telegrams_description(telegram, conversation, send):
    telegram.fail("sendMessage", 400, "Bad Request: message text is empty")
    message = send(conversation)
    run_tasks(include_delayed=True)
    assert state(message) == (Message.Delivery.FAILED, "Bad Request: message text is empty")
    assert len(telegram.requests) == 1  # never retried
    assert TaskFailure.objects.get().final


def test_a_chat_the_bot_cannot_reach_is_not_delivered(telegram, conversation, send):
    telegram.add_chat(CHAT, tg.BLOCKED)
    message = send(conversation)
    run_tasks(include_delayed=True)
    assert state(message) == (Message.Delivery.FAILED, "Forbidden: bot was blocked by the user")
    assert len(telegram.requests) == 1


def test_a_chat_telegram_does_not_know_is_not_delivered(telegram, conversation, send):
    telegram.chats.clear()
    message = send(conversation)
    run_tasks(include_delayed=True)
    assert state(message) == (Message.Delivery.FAILED, "Bad Request: chat not found")


def test_a_revoked_token_is_not_delivered(telegram, conversation, send):
    telegram.bots.clear()
    message = send(conversation)
    run_tasks(include_delayed=True)
    assert state(message) == (Message.Delivery.FAILED, "Unauthorized")


def test_5xx_and_network_errors_are_retried(telegram, conversation, send):
    telegram.fail("sendMessage", 502, "Bad Gateway")
    telegram.fail("sendMessage", 0, drop=True)
    message = send(conversation)
    assert run_tasks(include_delayed=True) == 3
    assert state(message) == (Message.Delivery.SENT, "")
    assert TaskFailure.objects.filter(final=False).count() == 2


def test_5xx_until_attempts_run_out_is_not_delivered(telegram, conversation, send):
    telegram.fail("sendMessage", 500, "Internal Server Error", times=6)
    message = send(conversation)
    assert run_tasks(include_delayed=True) == 6
    delivery, error = state(message)
    assert delivery == Message.Delivery.FAILED and "Internal Server Error" in error


def test_an_unreachable_api_is_retried_and_never_shows_the_token(
    conversation, send, settings, caplog
):
    settings.OFICINA_TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    message = send(conversation)
    with caplog.at_level(logging.DEBUG):
        run_tasks(include_delayed=True)
    delivery, error = state(message)
    assert delivery == Message.Delivery.FAILED and "TelegramUnreachable" in error
    stored = " ".join(TaskFailure.objects.values_list("error", flat=True)) + error
    secret = tg.TOKEN.split(":")[1]
    assert secret not in stored and secret not in caplog.text


def test_a_photo_goes_with_sendphoto_and_the_text_as_caption(telegram, conversation, send):
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 200
    files = [services.IncomingFile(name="orçamento.jpg", content_type="image/jpeg", content=jpeg)]
    message = send(conversation, text="A foto da peça", files=files)
    run_tasks()
    (call,) = telegram.requests
    assert call["method"] == "sendPhoto"
    assert call["params"] == {"chat_id": str(CHAT), "caption": "A foto da peça"}
    assert call["files"]["photo"]["name"] == "orçamento.jpg"
    assert call["files"]["photo"]["content"] == jpeg
    assert state(message)[0] == Message.Delivery.SENT


def test_a_pdf_goes_with_senddocument(telegram, conversation, send):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = [services.IncomingFile(name="nota.pdf", content_type="application/pdf", content=pdf)]
    message = send(conversation, text="", files=files)
    run_tasks()
    (call,) = telegram.requests
    assert call["method"] == "sendDocument" and "caption" not in call["params"]
    assert call["files"]["document"]["content"] == pdf
    assert state(message)[0] == Message.Delivery.SENT


def test_a_photo_telegram_refuses_as_a_photo_goes_as_a_document(telegram, conversation, send):
    telegram.fail("sendPhoto", 400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    files = [services.IncomingFile(name="long.png", content_type="image/png", content=png)]
    message = send(conversation, text="", files=files)
    run_tasks()
    assert [r["method"] for r in telegram.requests] == ["sendPhoto", "sendDocument"]
    assert state(message)[0] == Message.Delivery.SENT


def test_a_text_longer_than_a_caption_goes_first_then_the_file(telegram, conversation, send):
    pdf = b"%PDF-1.4\n"
    files = [services.IncomingFile(name="nota.pdf", content_type="application/pdf", content=pdf)]
    message = send(conversation, text="x" * 1500, files=files)
    run_tasks()
    assert [r["method"] for r in telegram.requests] == ["sendMessage", "sendDocument"]
    message.refresh_from_db()
    first = telegram.requests[0]
    assert first["params"]["text"] == "x" * 1500
    assert message.delivery == Message.Delivery.SENT and message.external_id


def test_a_conversation_the_client_has_not_joined_is_not_delivered(telegram, conversation, send):
    waiting = ConversationFactory(channel=conversation.channel, external_id="")
    message = send(waiting)
    run_tasks(include_delayed=True)
    assert state(message)[0] == Message.Delivery.FAILED
    assert telegram.requests == []


def test_the_connector_says_how_a_client_joins(conversation):
    connector = services.connector_for("telegram")
    waiting = ConversationFactory(channel=conversation.channel, external_id="")
    assert connector.can_start(conversation) and not connector.can_start(waiting)
    assert connector.invite_link(waiting) == (
        f"https://t.me/oficina_test_bot?start={waiting.invite_token}"
    )
    conversation.channel.details = {}
    assert connector.invite_link(waiting) == ""


def test_a_deleted_channel_sends_nothing(telegram, conversation, send, admin):
    message = send(conversation)
    services.channel_delete(actor=admin, channel=conversation.channel)
    run_tasks(include_delayed=True)
    assert state(message)[0] == Message.Delivery.FAILED
    assert telegram.calls("sendMessage") == []


def test_attachments_stay_with_the_message(telegram, conversation, send):
    files = [services.IncomingFile(name="a.pdf", content_type="application/pdf", content=b"%PDF-")]
    message = send(conversation, text="", files=files)
    assert Attachment.objects.get().message == message
    assert Conversation.objects.get(pk=conversation.pk).last_message_preview == "📎 a.pdf"
    run_tasks()
    assert state(message)[0] == Message.Delivery.SENT
