"""Adding, changing and deleting a Telegram channel: the token is checked with getMe, the
webhook is set with the channel's secret, and a refusal saves nothing."""

import logging

import pytest

from conversations import services
from conversations.models import Channel, Conversation, InboundUpdate
from conversations.telegram.api import redact

from . import fake_telegram as tg
from .factories import TelegramChannelFactory

pytestmark = pytest.mark.django_db
OTHER_TOKEN = "987654321:BBHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T9"


@pytest.fixture
def telegram(settings):
    yield from tg.serve(settings)


def create(admin, token=tg.TOKEN, name="Oficina no Telegram"):
    return services.channel_create(
        actor=admin, kind="telegram", name=name, credentials={"bot_token": token}
    )


def test_a_good_token_saves_the_channel_and_points_the_webhook_at_it(telegram, admin):
    channel = create(admin)
    assert channel.pk is not None
    assert channel.details == {"username": "oficina_test_bot", "bot_id": 123456789}
    assert channel.credentials == {"bot_token": tg.TOKEN}
    assert [r["method"] for r in telegram.requests] == ["getMe", "setWebhook"]
    webhook = telegram.webhooks[tg.TOKEN]
    assert webhook == {
        "url": f"https://shop.example.com/hooks/telegram/{channel.pk}/",
        "secret_token": channel.secret_token,
        "allowed_updates": ["message", "edited_message"],
    }


def test_a_token_telegram_refuses_is_a_clear_error_and_saves_nothing(telegram, admin):
    with pytest.raises(services.ChannelError) as refused:
        create(admin, token=OTHER_TOKEN)
    assert "does not accept this bot token" in refused.value.message_dict["bot_token"][0]
    assert Channel.objects.count() == 0
    assert telegram.calls("setWebhook") == []
    assert OTHER_TOKEN not in str(refused.value.messages)


@pytest.mark.parametrize(
    "token",
    ["", "   ", "abc", "123456", "123:short", "123456:has/slash" + "x" * 30, "1:" + "é" * 35],
)
def test_something_that_is_not_a_token_is_refused_without_asking(telegram, admin, token):
    with pytest.raises(services.ChannelError) as refused:
        create(admin, token=token)
    assert "bot_token" in refused.value.message_dict
    assert Channel.objects.count() == 0 and telegram.requests == []


def test_an_unreachable_api_is_a_clear_error(settings, admin):
    settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
    settings.OFICINA_TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"
    with pytest.raises(services.ChannelError) as refused:
        create(admin)
    assert "could not be reached" in refused.value.messages[0]
    assert tg.TOKEN.split(":")[1] not in refused.value.messages[0]
    assert Channel.objects.count() == 0


def test_a_refused_webhook_removes_the_new_channel(telegram, admin):
    telegram.fail("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host")
    with pytest.raises(services.ChannelError) as refused:
        create(admin)
    assert "Failed to resolve host" in refused.value.messages[0]
    assert Channel.objects.count() == 0


def test_without_a_public_url_nothing_is_asked_or_saved(telegram, admin, settings):
    settings.OFICINA_PUBLIC_URL = ""
    with pytest.raises(services.ChannelError) as refused:
        create(admin)
    assert "OFICINA_PUBLIC_URL" in refused.value.messages[0]
    assert Channel.objects.count() == 0 and telegram.requests == []


def test_one_bot_serves_one_channel(telegram, admin):
    create(admin, name="First")
    with pytest.raises(services.ChannelError) as refused:
        create(admin, name="Second")
    assert "“First” already uses @oficina_test_bot" in refused.value.message_dict["bot_token"][0]
    assert Channel.objects.count() == 1


def change_token(admin, channel, token=OTHER_TOKEN, **fields):
    return services.channel_update(
        actor=admin,
        channel=channel,
        name=fields.get("name", channel.name),
        access=channel.access,
        credentials={"bot_token": token},
    )


@pytest.fixture
def other_bot(telegram):
    telegram.bots[OTHER_TOKEN] = {**tg.BOT, "id": 987654321, "username": "oficina_novo_bot"}


def test_a_new_token_moves_the_webhook_to_the_new_bot_with_a_new_secret(
    telegram, admin, other_bot, client, django_capture_on_commit_callbacks
):
    channel = create(admin)
    old_secret = channel.secret_token
    telegram.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_token(admin, channel)
    channel.refresh_from_db()
    assert channel.details == {"username": "oficina_novo_bot", "bot_id": 987654321}
    assert channel.secret_token != old_secret and len(channel.secret_token) >= 32
    # The new bot is pointed here with the new secret; the old bot's webhook is deleted.
    assert [(r["method"], r["token"]) for r in telegram.requests] == [
        ("getMe", OTHER_TOKEN),
        ("setWebhook", OTHER_TOKEN),
        ("deleteWebhook", tg.TOKEN),
    ]
    assert telegram.webhooks == {
        OTHER_TOKEN: {
            "url": f"https://shop.example.com/hooks/telegram/{channel.pk}/",
            "secret_token": channel.secret_token,
            "allowed_updates": ["message", "edited_message"],
        }
    }
    # Whatever the old bot still delivers (signed with the old secret) is refused.
    with django_capture_on_commit_callbacks(execute=True):
        refused = tg.post_update(client, channel, tg.text_update("Oi"), secret=old_secret)
    assert refused.status_code == 403
    assert not Conversation.objects.exists() and not InboundUpdate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = tg.post_update(client, channel, tg.text_update("Oi"))
    assert accepted.status_code == 200 and Conversation.objects.count() == 1


def test_a_new_token_the_webhook_refuses_changes_nothing(
    telegram, admin, other_bot, django_capture_on_commit_callbacks
):
    channel = create(admin)
    before = Channel.objects.get(pk=channel.pk)
    telegram.requests.clear()
    telegram.fail("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ChannelError) as refused,
    ):
        change_token(admin, channel, name="Renamed")
    assert "Failed to resolve host" in refused.value.messages[0]
    assert callbacks == []
    stored = Channel.objects.get(pk=channel.pk)
    for current in (stored, channel):  # the caller's object is as stored, too
        assert current.name == before.name
        assert current.credentials == {"bot_token": tg.TOKEN}
        assert current.details == before.details
        assert current.secret_token == before.secret_token
    assert telegram.calls("deleteWebhook") == []
    assert telegram.webhooks[tg.TOKEN]["secret_token"] == before.secret_token


def test_a_new_token_telegram_refuses_changes_nothing(telegram, admin):
    channel = create(admin)
    secret = channel.secret_token
    telegram.requests.clear()
    with pytest.raises(services.ChannelError):
        change_token(admin, channel)  # OTHER_TOKEN is unknown to the fake: 401
    channel.refresh_from_db()
    assert channel.credentials == {"bot_token": tg.TOKEN} and channel.secret_token == secret
    assert [r["method"] for r in telegram.requests] == ["getMe"]


def test_the_old_webhook_failing_to_go_keeps_the_change_and_never_logs_the_token(
    telegram, admin, other_bot, caplog, django_capture_on_commit_callbacks
):
    channel = create(admin)
    old_secret = channel.secret_token
    telegram.fail("deleteWebhook", 502, f"Bad Gateway at /bot{tg.TOKEN}/deleteWebhook")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        change_token(admin, channel)
    channel.refresh_from_db()
    assert channel.credentials == {"bot_token": OTHER_TOKEN}
    assert channel.secret_token != old_secret
    assert "could not remove the webhook" in caplog.text
    assert tg.TOKEN.split(":")[1] not in caplog.text
    assert OTHER_TOKEN.split(":")[1] not in caplog.text


def test_the_old_webhook_unreachable_is_logged_without_the_token(
    admin, settings, caplog, django_capture_on_commit_callbacks
):
    """Telegram down when the old webhook is deleted: the new one is already set."""
    with tg.FakeTelegram() as fake:
        settings.OFICINA_TELEGRAM_API_BASE_URL = fake.url
        settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
        fake.bots[OTHER_TOKEN] = {**tg.BOT, "id": 987654321, "username": "oficina_novo_bot"}
        channel = create(admin)
        fake.fail("deleteWebhook", 0, drop=True)
        with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
            change_token(admin, channel)
    assert Channel.objects.get(pk=channel.pk).credentials == {"bot_token": OTHER_TOKEN}
    assert "could not remove the webhook" in caplog.text
    assert tg.TOKEN.split(":")[1] not in caplog.text


def test_a_new_token_of_the_same_bot_keeps_its_webhook(
    telegram, admin, django_capture_on_commit_callbacks
):
    """@BotFather's /revoke gives the same bot a new token: the webhook just set (with the
    new secret) is the bot's only one and must stay."""
    channel = create(admin)
    telegram.bots[OTHER_TOKEN] = dict(tg.BOT)
    with django_capture_on_commit_callbacks(execute=True):
        change_token(admin, channel)
    channel.refresh_from_db()
    assert telegram.calls("deleteWebhook") == []
    assert telegram.webhooks[OTHER_TOKEN]["secret_token"] == channel.secret_token


def test_the_old_bot_taken_over_by_another_channel_keeps_its_webhook(
    telegram, admin, other_bot, django_capture_on_commit_callbacks
):
    first = create(admin, name="First")
    change_token(admin, first)  # the commit callbacks (deleting the old webhook) not yet run
    second = create(admin, name="Second")  # the old bot, free again
    telegram.requests.clear()
    first.refresh_from_db()
    connector = services.connector_for("telegram")
    with django_capture_on_commit_callbacks(execute=True):
        connector.replaced(
            first, {"bot_token": tg.TOKEN}, {"username": tg.BOT["username"], "bot_id": tg.BOT["id"]}
        )
    assert telegram.calls("deleteWebhook") == []
    assert telegram.webhooks[tg.TOKEN]["secret_token"] == second.secret_token


def test_renaming_keeps_the_token_and_asks_telegram_nothing(telegram, admin):
    channel = create(admin)
    telegram.requests.clear()
    services.channel_update(
        actor=admin, channel=channel, name="Renamed", access=channel.access, credentials={}
    )
    channel.refresh_from_db()
    assert channel.name == "Renamed" and channel.credentials == {"bot_token": tg.TOKEN}
    assert telegram.requests == []


def test_deleting_the_channel_removes_the_webhook(
    telegram, admin, django_capture_on_commit_callbacks
):
    channel = create(admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.channel_delete(actor=admin, channel=channel)
    assert telegram.calls("deleteWebhook")[0]["token"] == tg.TOKEN
    assert tg.TOKEN not in telegram.webhooks
    channel.refresh_from_db()
    assert channel.credentials == {}


def test_deleting_survives_telegram_being_down(
    admin, settings, django_capture_on_commit_callbacks, caplog
):
    settings.OFICINA_TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"
    channel = TelegramChannelFactory(
        credentials={"bot_token": tg.TOKEN}, details={"username": "b", "bot_id": 1}
    )
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        services.channel_delete(actor=admin, channel=channel)
    channel.refresh_from_db()
    assert channel.is_deleted
    assert "could not remove the webhook" in caplog.text
    assert tg.TOKEN.split(":")[1] not in caplog.text


def test_the_token_field_is_described():
    (field,) = services.connector_for("telegram").credential_fields
    assert field.name == "bot_token" and field.required
    assert str(field.label) == "Bot token" and "@BotFather" in str(field.help_text)


def test_redact_hides_tokens_in_urls_and_text():
    url = f"https://api.telegram.org/bot{tg.TOKEN}/sendMessage"
    assert redact(url) == "https://api.telegram.org/bot<token>/sendMessage"
    assert redact(f"token {tg.TOKEN} leaked") == "token <token> leaked"
