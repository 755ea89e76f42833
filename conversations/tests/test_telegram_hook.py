"""Updates at /hooks/telegram/<channel_id>/, from payloads in Telegram's documented format:
what each kind of update stores, and what is refused with nothing stored."""

import json

import pytest

from clients.services import PhoneInput, client_create
from conversations import services
from conversations.models import Conversation, InboundUpdate, Message
from jobs.testing import queued, run_tasks

from . import fake_telegram as tg
from .factories import ChannelFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def telegram(settings):
    yield from tg.serve(settings)


@pytest.fixture
def channel(db):
    return TelegramChannelFactory(
        credentials={"bot_token": tg.TOKEN},
        details={"username": tg.BOT["username"], "bot_id": tg.BOT["id"]},
    )


@pytest.fixture
def maria_client(admin):
    return client_create(
        actor=admin,
        data={"kind": "person", "first_name": "Maria", "last_name": "Souza"},
        phones=[PhoneInput(number="+5511987654321")],
    )


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST an update as Telegram does; what the request queues after its commit is queued."""

    def deliver(client, channel, payload, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return tg.post_update(client, channel, payload, **kwargs)

    return deliver


def nothing_stored():
    return (
        Conversation.objects.count() == 0
        and Message.objects.count() == 0
        and InboundUpdate.objects.count() == 0
    )


# --- Text -------------------------------------------------------------------------------------


def test_a_text_message_from_an_unknown_chat_opens_a_conversation(post, client, channel):
    payload = tg.text_update("Olá, meu celular já está pronto?")
    answer = post(client, channel, payload)
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    conversation = Conversation.objects.get()
    assert conversation.channel == channel
    assert conversation.external_id == str(tg.MARIA["id"])
    assert conversation.contact_name == "Maria Souza"
    assert conversation.client is None and conversation.unread_count == 1
    message = conversation.messages.get()
    assert message.direction == Message.Direction.INCOMING
    assert message.text == "Olá, meu celular já está pronto?"
    assert message.external_id == str(payload["message"]["message_id"])
    assert conversation.last_message_preview == "Olá, meu celular já está pronto?"


def test_the_next_message_goes_to_the_same_conversation_and_reopens_it(
    post, client, channel, admin
):
    post(client, channel, tg.text_update("Oi"))
    conversation = Conversation.objects.get()
    services.conversation_close(actor=admin, conversation=conversation)
    post(client, channel, tg.text_update("Mais uma pergunta"))
    conversation.refresh_from_db()
    assert Conversation.objects.count() == 1
    assert conversation.status == Conversation.Status.OPEN
    assert list(conversation.messages.values_list("text", flat=True)) == [
        "Oi",
        "Mais uma pergunta",
    ]


def test_a_name_comes_from_the_username_when_there_is_no_first_name(post, client, channel):
    person = {"id": 777, "is_bot": False, "first_name": "", "username": "anon_user"}
    post(client, channel, tg.text_update("hi", person=person))
    assert Conversation.objects.get().contact_name == "@anon_user"


def test_unsafe_text_is_stored_as_sent_and_shown_escaped(post, client, channel, manager):
    post(client, channel, tg.text_update("<script>alert(1)</script>", person=tg.EVIL))
    assert Message.objects.get().text == "<script>alert(1)</script>"
    conversation = Conversation.objects.get()
    assert conversation.contact_name == '<img src=x onerror="alert(2)">'
    client.force_login(manager)
    html = client.get(conversation.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_a_sticker_is_noted(post, client, channel):
    sticker = {
        "file_id": "CAACAgIAAxkBAAI",
        "file_unique_id": "AgADx",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
        "emoji": "👍",
    }
    post(client, channel, tg.update(sticker=sticker))
    assert "a sticker" in Message.objects.get().text
    assert not queued()


# --- /start -----------------------------------------------------------------------------------


def test_plain_start_opens_a_conversation_and_greets(post, client, channel, telegram):
    telegram.add_chat(tg.MARIA["id"])
    assert post(client, channel, tg.command_update("/start")).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.external_id == str(tg.MARIA["id"])
    assert conversation.messages.count() == 0  # the command itself is not a message
    assert run_tasks() == 1
    (greeting,) = telegram.calls("sendMessage")
    params = greeting["params"]
    assert params["chat_id"] == tg.MARIA["id"]
    assert "Oficina" in params["text"]
    # No phone yet: a button asks for it.
    assert params["reply_markup"]["keyboard"][0][0]["request_contact"] is True


def test_start_with_an_invite_joins_the_conversation_an_employee_started(
    post, client, channel, telegram, manager, maria_client
):
    telegram.add_chat(tg.MARIA["id"])
    started = services.conversation_start(actor=manager, channel=channel, client=maria_client)
    assert started.external_id == ""
    link = services.connector_for("telegram").invite_link(started)
    assert link == f"https://t.me/oficina_test_bot?start={started.invite_token}"
    post(client, channel, tg.command_update(f"/start {started.invite_token}"))
    started.refresh_from_db()
    assert Conversation.objects.count() == 1
    assert started.external_id == str(tg.MARIA["id"]) and started.client == maria_client
    run_tasks()
    params = telegram.calls("sendMessage")[0]["params"]
    assert "now in touch" in params["text"]
    assert "reply_markup" not in params  # the client is known: no need to ask the phone
    # From now on Maria's messages land there.
    post(client, channel, tg.text_update("Obrigada!"))
    assert list(started.messages.values_list("text", flat=True)) == ["Obrigada!"]


def test_an_invite_already_used_by_another_chat_gives_the_newcomer_their_own(
    post, client, channel, telegram, manager, maria_client
):
    started = services.conversation_start(actor=manager, channel=channel, client=maria_client)
    post(client, channel, tg.command_update(f"/start {started.invite_token}"))
    post(client, channel, tg.command_update(f"/start {started.invite_token}", person=tg.JOAO))
    started.refresh_from_db()
    assert started.external_id == str(tg.MARIA["id"])
    joao = Conversation.objects.exclude(pk=started.pk).get()
    assert joao.external_id == str(tg.JOAO["id"]) and joao.client is None


def test_an_invite_to_a_chat_that_already_has_a_conversation_is_merged_into_it(
    post, client, channel, telegram, manager, maria_client, django_capture_on_commit_callbacks
):
    """Maria wrote to the bot first; then an employee started a conversation with her client
    record, wrote in it and sent her the invitation. Opening it links her conversation to the
    client and delivers what the employee wrote there."""
    telegram.add_chat(tg.MARIA["id"])
    post(client, channel, tg.text_update("Oi, sou nova aqui"))
    existing = Conversation.objects.get()
    assert existing.client is None
    started = services.conversation_start(actor=manager, channel=channel, client=maria_client)
    invite = started.invite_token
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.message_send(
            actor=manager, conversation=started, text="Seu orçamento está pronto"
        )
    answer = post(client, channel, tg.command_update(f"/start {invite}"))
    assert answer.status_code == 200
    existing.refresh_from_db()
    started.refresh_from_db()
    assert existing.client == maria_client and existing.external_id == str(tg.MARIA["id"])
    assert existing.assignee == manager and existing.is_open
    assert list(existing.messages.values_list("text", flat=True)) == [
        "Oi, sou nova aqui",
        "Seu orçamento está pronto",
    ]
    assert started.status == Conversation.Status.CLOSED and not started.messages.exists()
    assert started.external_id == "" and started.invite_token != invite
    run_tasks()
    sent = [call["params"]["text"] for call in telegram.calls("sendMessage")]
    assert sent.count("Seu orçamento está pronto") == 1  # once, though queued twice
    assert any("now in touch" in text for text in sent)
    waiting.refresh_from_db()
    assert waiting.delivery == Message.Delivery.SENT and waiting.external_id
    # The link pressed again is a plain start; her messages keep landing in her conversation.
    post(client, channel, tg.command_update(f"/start {invite}"))
    post(client, channel, tg.text_update("Recebi o link"))
    assert Conversation.objects.count() == 2
    assert existing.messages.last().text == "Recebi o link"


def test_an_invite_merged_into_a_conversation_linked_to_another_client_keeps_that_link(
    post, client, channel, telegram, manager, maria_client, admin
):
    post(client, channel, tg.text_update("Oi"))
    existing = Conversation.objects.get()
    other = client_create(actor=admin, data={"kind": "person", "first_name": "Outra"})
    services.conversation_link_client(actor=manager, conversation=existing, client=other)
    started = services.conversation_start(actor=manager, channel=channel, client=maria_client)
    post(client, channel, tg.command_update(f"/start {started.invite_token}"))
    existing.refresh_from_db()
    started.refresh_from_db()
    assert existing.client == other
    assert started.status == Conversation.Status.CLOSED and started.external_id == ""


def test_control_characters_in_the_senders_name_are_dropped(post, client, channel):
    """Telegram lets a profile name hold "\\u0000" (which PostgreSQL refuses to store)."""
    person = {"id": 778, "is_bot": False, "first_name": "Ma\x00ria\x07", "last_name": "Sou\nza"}
    payload = tg.text_update("Oi", person=person)
    assert '"Ma\\u0000ria\\u0007"' in json.dumps(payload)
    assert post(client, channel, payload).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.contact_name == "Maria Sou za"
    assert conversation.messages.get().text == "Oi"


@pytest.mark.parametrize("token", ["no-such-token", "../../etc", "x" * 65])
def test_start_with_an_unknown_invite_is_a_plain_start(post, client, channel, token):
    post(client, channel, tg.command_update(f"/start {token}"))
    conversation = Conversation.objects.get()
    assert conversation.external_id == str(tg.MARIA["id"]) and conversation.client is None


def test_an_invite_of_another_channel_does_not_join(post, client, channel, manager, maria_client):
    other = ChannelFactory()
    started = services.conversation_start(actor=manager, channel=other, client=maria_client)
    post(client, channel, tg.command_update(f"/start {started.invite_token}"))
    started.refresh_from_db()
    assert started.external_id == ""
    assert Conversation.objects.get(channel=channel).client is None


# --- Contact ----------------------------------------------------------------------------------


def test_sharing_ones_own_contact_links_the_client_with_that_phone(
    post, client, channel, maria_client
):
    post(client, channel, tg.text_update("Oi"))
    # Telegram gives the number without "+".
    post(client, channel, tg.contact_update("5511987654321"))
    conversation = Conversation.objects.get()
    assert conversation.contact_phone == "+5511987654321"
    assert conversation.client == maria_client
    assert "(11) 98765-4321" in conversation.messages.last().text


def test_someone_elses_contact_card_links_nobody(post, client, channel, maria_client):
    post(client, channel, tg.contact_update("+55 11 98765-4321", person=tg.JOAO, user_id=999))
    conversation = Conversation.objects.get()
    assert conversation.client is None and conversation.contact_phone == ""
    assert "Shared a contact" in conversation.messages.get().text


def test_a_contact_without_user_id_links_nobody(post, client, channel, maria_client):
    post(client, channel, tg.contact_update("5511987654321", user_id=None))
    assert Conversation.objects.get().client is None


def test_an_unknown_phone_is_kept_without_a_client(post, client, channel):
    post(client, channel, tg.contact_update("5521912345678"))
    conversation = Conversation.objects.get()
    assert conversation.contact_phone == "+5521912345678" and conversation.client is None


# --- Edits ------------------------------------------------------------------------------------


def test_an_edited_message_changes_the_stored_text(post, client, channel):
    first = tg.text_update("Meu celular é um Moto G7")
    post(client, channel, first)
    answer = post(client, channel, tg.edited_update(first["message"]["message_id"], "Moto G8"))
    assert answer.status_code == 200
    message = Message.objects.get()
    assert message.text == "Moto G8" and message.edited_at is not None


def test_an_edit_in_an_unknown_chat_is_ignored(post, client, channel):
    answer = post(client, channel, tg.edited_update(999, "changed", person=tg.JOAO))
    assert answer.status_code == 200
    assert Conversation.objects.count() == 0 and Message.objects.count() == 0


# --- Ignored ----------------------------------------------------------------------------------


def test_a_group_chat_is_ignored(post, client, channel):
    answer = post(client, channel, tg.group_update("Oi, grupo"))
    assert answer.status_code == 200 and nothing_stored()


def test_an_unknown_kind_of_update_is_ignored(post, client, channel):
    payload = {
        "update_id": 734_999_001,
        "callback_query": {"id": "4382", "from": tg.MARIA, "chat_instance": "-1", "data": "x"},
    }
    answer = post(client, channel, payload)
    assert answer.status_code == 200 and nothing_stored()


# --- Replays ----------------------------------------------------------------------------------


def test_a_replayed_update_changes_nothing(post, client, channel):
    payload = tg.text_update("Só uma vez")
    assert post(client, channel, payload).status_code == 200
    assert post(client, channel, payload).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 1 and conversation.unread_count == 1
    assert InboundUpdate.objects.count() == 1


def test_a_replayed_start_greets_once(post, client, channel, telegram):
    payload = tg.command_update("/start")
    post(client, channel, payload)
    post(client, channel, payload)
    assert run_tasks() == 1


def test_a_failed_processing_leaves_the_update_for_telegrams_retry(
    post, client, channel, monkeypatch
):
    payload = tg.text_update("Tentativa")
    original = services.message_receive

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "message_receive", broken)
    client.raise_request_exception = False
    assert post(client, channel, payload).status_code == 500
    assert nothing_stored()
    monkeypatch.setattr(services, "message_receive", original)
    assert post(client, channel, payload).status_code == 200
    assert Message.objects.get().text == "Tentativa"


# --- Refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", "wrong", "x" * 300])
def test_a_missing_or_wrong_secret_is_403_and_stores_nothing(post, client, channel, secret):
    answer = post(client, channel, tg.text_update("Oi"), secret=secret or "")
    assert answer.status_code == 403 and nothing_stored()


def test_another_channels_secret_is_403(post, client, channel):
    other = TelegramChannelFactory()
    answer = post(client, channel, tg.text_update("Oi"), secret=other.secret_token)
    assert answer.status_code == 403 and nothing_stored()


def test_an_unknown_channel_is_404(post, client, channel):
    channel.pk += 1000
    assert post(client, channel, tg.text_update("Oi")).status_code == 404


def test_a_deleted_channel_is_404(post, client, channel, admin):
    services.channel_delete(actor=admin, channel=channel)
    assert post(client, channel, tg.text_update("Oi")).status_code == 404
    assert Conversation.objects.count() == 0


def test_a_web_chat_channel_has_no_telegram_hook(post, client):
    webchat = ChannelFactory()
    assert post(client, webchat, tg.text_update("Oi")).status_code == 404


def test_get_is_not_allowed(post, client, channel):
    assert client.get(f"/hooks/telegram/{channel.pk}/").status_code == 405


def test_not_json_content_type_is_415(post, client, channel):
    body = json.dumps(tg.text_update("Oi"))
    answer = post(client, channel, body, content_type="text/plain")
    assert answer.status_code == 415 and nothing_stored()
    answer = client.post(
        f"/hooks/telegram/{channel.pk}/",
        {"update_id": "1"},
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=channel.secret_token,
    )
    assert answer.status_code == 415 and nothing_stored()


def test_a_1mb_body_is_refused(post, client, channel):
    payload = tg.text_update("x" * (1024 * 1024))
    answer = post(client, channel, payload)
    assert answer.status_code == 413 and nothing_stored()


@pytest.mark.parametrize(
    "body",
    [
        b" ",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'"update"',
        b"{}",
        b'{"update_id": "12"}',
        b'{"update_id": true, "message": {}}',
        b'{"update_id": -5}',
        b'{"update_id": 1, "message": "hi"}',
        b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": "x", "type": "private"}}}',
        b'{"update_id": 1, "message": {"message_id": 1.5, "chat": {"id": 1, "type": "private"}}}',
        b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"},'
        b' "text": ["a"]}}',
        b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"},'
        b' "photo": "AgAC"}}',
        b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"},'
        b' "contact": {"first_name": "x"}}}',
        b"[" * 100_000,
    ],
)
def test_a_malformed_update_is_400_and_stores_nothing(post, client, channel, body):
    answer = post(client, channel, body)
    assert answer.status_code == 400, body[:80]
    assert "error" in answer.json()
    assert nothing_stored()


def test_a_nul_in_the_text_is_dropped_not_refused(post, client, channel):
    post(client, channel, tg.text_update("Oi\x00 tudo bem"))
    assert Message.objects.get().text == "Oi tudo bem"


def test_an_over_long_text_is_cut_to_the_limit(post, client, channel):
    post(client, channel, tg.text_update("a" * 5000))
    assert len(Message.objects.get().text) == 4096


def test_a_known_conversation_keeps_its_messages_across_channels(post, client, channel):
    """The same Telegram user writing to two shop bots has two conversations."""
    other = TelegramChannelFactory()
    post(client, channel, tg.text_update("Bot 1"))
    post(client, other, tg.text_update("Bot 2"))
    assert Conversation.objects.count() == 2
    assert Conversation.objects.get(channel=other).messages.get().text == "Bot 2"
