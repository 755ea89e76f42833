"""Settings → Channels: who may manage them, adding, changing and deleting, and that
credentials are never shown back."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations import services
from conversations.connectors import ChannelCheck
from conversations.connectors.telegram import TelegramConnector
from conversations.models import (
    ORIGINS_MAX,
    Channel,
    Conversation,
    origin_normalize,
    validate_allowed_origins,
)
from conversations.services import ChannelError

from .factories import ChannelFactory, ConversationFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db

TOKEN = "555000111:QWErtyuiopASDfghjklZXCvbnm0123456789"
NEW_TOKEN = "987654321:BBHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHmXYZW"


@pytest.fixture
def telegram(monkeypatch):
    """Telegram answers as for a valid bot; ``calls`` records what was checked."""
    calls = []

    def check(self, channel, credentials):
        calls.append(dict(credentials))
        return ChannelCheck(details={"username": "oficina_shop_bot", "bot_id": 42})

    monkeypatch.setattr(TelegramConnector, "check", check)
    monkeypatch.setattr(TelegramConnector, "activate", lambda self, channel: None)
    monkeypatch.setattr(TelegramConnector, "deactivate", lambda self, channel, creds: None)
    return calls


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def edit_url(channel) -> str:
    return reverse("conversations:channel_edit", args=[channel.pk])


def form_data(**fields) -> dict:
    return {"kind": "webchat", "name": "Site", "access": "all", **fields}


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "specialist"])
def test_without_the_settings_permission_every_page_is_403_and_nothing_changes(
    client, make_employee, role
):
    client.force_login(make_employee(role))
    channel = ChannelFactory(name="Site")
    for url in [
        reverse("conversations:channels"),
        reverse("conversations:channel_create") + "?kind=webchat",
        edit_url(channel),
        reverse("conversations:channel_delete", args=[channel.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("conversations:channel_create"), form_data()).status_code == 403
    assert client.post(edit_url(channel), form_data(name="Hacked")).status_code == 403
    assert (
        client.post(reverse("conversations:channel_delete", args=[channel.pk])).status_code == 403
    )
    channel.refresh_from_db()
    assert (channel.name, channel.deleted_at) == ("Site", None)
    assert Channel.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("conversations:channels"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_settings_page_links_to_channels(as_admin):
    html = as_admin.get(reverse("settings")).content.decode()
    assert f'href="{reverse("conversations:channels")}"' in html


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_every_channel_and_marks_deleted_ones(
    as_admin, admin, make_employee, django_assert_max_num_queries
):
    member = make_employee("manager", full_name="Carla Member")
    site = ChannelFactory(name="Site chat", owner=admin)
    bot = TelegramChannelFactory(name="Shop bot", access="selected", members=[member, admin])
    ConversationFactory.create_batch(3, channel=site)
    old = ChannelFactory(name="Old chat", owner=admin)
    services.channel_delete(actor=admin, channel=old)
    for n in range(5):
        ChannelFactory(name=f"Extra {n}")
    with django_assert_max_num_queries(8):
        response = as_admin.get(reverse("conversations:channels"))
    html = response.content.decode()
    for text in ["Site chat", "Web chat", "Shop bot", "Telegram bot", "Old chat", "Deleted"]:
        assert text in html
    assert "Selected employees (2)" in html
    assert f'<tr data-channel="{old.pk}" class="muted">' in html
    assert edit_url(bot) in html
    assert TOKEN[-10:] not in html and bot.credentials["bot_token"][-10:] not in html


# --- Adding ----------------------------------------------------------------------------------


def test_adding_starts_with_choosing_a_kind(as_admin):
    html = as_admin.get(reverse("conversations:channel_create")).content.decode()
    assert 'data-kind="webchat"' in html and 'data-kind="telegram"' in html
    bogus = as_admin.get(reverse("conversations:channel_create") + "?kind=whatsapp")
    assert 'data-kind="webchat"' in bogus.content.decode()
    refused = as_admin.post(reverse("conversations:channel_create"), form_data(kind="sms"))
    assert refused.status_code == 200
    assert not Channel.objects.exists()


def test_adding_a_web_chat_shows_its_snippet_and_link(as_admin, admin):
    response = as_admin.post(reverse("conversations:channel_create"), form_data(name="Site"))
    channel = Channel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(channel)
    assert (channel.kind, channel.name, channel.access, channel.owner) == (
        "webchat",
        "Site",
        "all",
        admin,
    )
    html = as_admin.get(edit_url(channel)).content.decode()
    embed = f"http://testserver/chat/{channel.public_key}/embed.js"
    assert f"&lt;script src=&quot;{embed}&quot; async&gt;&lt;/script&gt;" in html or (
        f'&lt;script src="{embed}" async&gt;&lt;/script&gt;' in html
    )
    assert f'value="http://testserver/chat/{channel.public_key}/"' in html


def test_the_snippet_uses_the_public_address_when_set(as_admin, settings):
    settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
    channel = ChannelFactory()
    html = as_admin.get(edit_url(channel)).content.decode()
    assert f"https://shop.example.com/chat/{channel.public_key}/embed.js" in html


def test_adding_a_telegram_bot_checks_the_token_and_never_shows_it_back(as_admin, telegram):
    response = as_admin.post(
        reverse("conversations:channel_create"),
        {"kind": "telegram", "name": "Bot", "access": "all", "bot_token": f"  {TOKEN} "},
    )
    channel = Channel.objects.get()
    assert response.status_code == 302
    assert telegram == [{"bot_token": TOKEN}]
    assert channel.credentials == {"bot_token": TOKEN}
    assert channel.details["username"] == "oficina_shop_bot"
    html = as_admin.get(edit_url(channel)).content.decode()
    assert TOKEN not in html and TOKEN[:-4] not in html
    assert "••••" + TOKEN[-4:] in html
    assert "@oficina_shop_bot" in html
    assert f"/hooks/telegram/{channel.pk}/" in html
    assert 'type="password"' in html
    # The masked hint and the placeholder, nothing more.
    assert html.count("••••" + TOKEN[-4:]) == 2


def test_a_token_telegram_refuses_is_shown_on_the_form_and_nothing_is_saved(as_admin, monkeypatch):
    def refuse(self, channel, credentials):
        raise ChannelError({"bot_token": "Telegram does not accept this bot token."})

    monkeypatch.setattr(TelegramConnector, "check", refuse)
    response = as_admin.post(
        reverse("conversations:channel_create"),
        {"kind": "telegram", "name": "Bot", "access": "all", "bot_token": TOKEN},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Telegram does not accept this bot token." in html
    assert TOKEN not in html  # what was typed is not echoed back either
    assert not Channel.objects.exists()


def test_a_non_field_refusal_is_shown_above_the_form(as_admin, monkeypatch):
    def unreachable(self, channel, credentials):
        raise ChannelError("Telegram could not be reached (timeout). Try again in a moment.")

    monkeypatch.setattr(TelegramConnector, "check", unreachable)
    response = as_admin.post(
        reverse("conversations:channel_create"),
        {"kind": "telegram", "name": "Bot", "access": "all", "bot_token": TOKEN},
    )
    assert "Telegram could not be reached" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_telegram_bot_needs_a_token(as_admin, telegram):
    response = as_admin.post(
        reverse("conversations:channel_create"),
        {"kind": "telegram", "name": "Bot", "access": "all", "bot_token": "   "},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert telegram == [] and not Channel.objects.exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"access": "everyone"}, "access", "Select a valid choice."),
        ({"access": "selected"}, "members", "Select at least one employee."),
        ({"access": "selected", "members": ["999999"]}, "members", "Select a valid choice."),
        ({"access": "selected", "members": ["abc"]}, "members", "is not a valid value"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(as_admin, fields, field, message):
    response = as_admin.post(reverse("conversations:channel_create"), form_data(**fields))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Channel.objects.exists()


def test_selected_access_keeps_the_chosen_employees(as_admin, make_employee):
    first, second = make_employee("manager"), make_employee("manager")
    as_admin.post(
        reverse("conversations:channel_create"),
        form_data(access="selected", members=[first.pk, second.pk]),
    )
    channel = Channel.objects.get()
    assert channel.access == "selected"
    assert set(channel.members.all()) == {first, second}


# --- Changing --------------------------------------------------------------------------------


def test_editing_shows_the_settings_and_saves_changes(as_admin, make_employee):
    member = make_employee("manager")
    channel = ChannelFactory(name="Site")
    page = as_admin.get(edit_url(channel))
    assert page.context["form"].initial["name"] == "Site"
    response = as_admin.post(
        edit_url(channel), form_data(name="Site novo", access="selected", members=[member.pk])
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.access) == ("Site novo", "selected")
    assert list(channel.members.all()) == [member]


def test_an_empty_token_keeps_the_stored_one_and_a_new_one_replaces_it(as_admin, telegram):
    channel = TelegramChannelFactory(credentials={"bot_token": TOKEN})
    data = {"kind": "telegram", "name": "Renamed", "access": "all", "bot_token": ""}
    assert as_admin.post(edit_url(channel), data).status_code == 302
    channel.refresh_from_db()
    assert channel.name == "Renamed"
    assert channel.credentials == {"bot_token": TOKEN}
    assert telegram == []  # nothing new to check

    assert as_admin.post(edit_url(channel), {**data, "bot_token": NEW_TOKEN}).status_code == 302
    channel.refresh_from_db()
    assert channel.credentials == {"bot_token": NEW_TOKEN}
    assert telegram == [{"bot_token": NEW_TOKEN}]


def test_a_refused_new_token_keeps_the_old_one(as_admin, monkeypatch):
    channel = TelegramChannelFactory(name="Bot", credentials={"bot_token": TOKEN})

    def refuse(self, channel, credentials):
        raise ChannelError({"bot_token": "Telegram does not accept this bot token."})

    monkeypatch.setattr(TelegramConnector, "check", refuse)
    response = as_admin.post(
        edit_url(channel),
        {"kind": "telegram", "name": "Changed", "access": "all", "bot_token": NEW_TOKEN},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Telegram does not accept this bot token." in html
    assert NEW_TOKEN not in html and TOKEN not in html
    channel.refresh_from_db()
    assert (channel.name, channel.credentials) == ("Bot", {"bot_token": TOKEN})


def test_a_channel_limited_to_someone_else_is_not_theirs_to_change(
    as_admin, make_employee, telegram
):
    owner = make_employee("admin", full_name="Olga Owner")
    private = ChannelFactory(name="Olga's chat", access="owner", owner=owner)
    html = as_admin.get(reverse("conversations:channels")).content.decode()
    assert "Olga&#x27;s chat" in html and edit_url(private) not in html
    assert as_admin.get(edit_url(private)).status_code == 403
    assert as_admin.post(edit_url(private), form_data(access="all")).status_code == 403
    delete = reverse("conversations:channel_delete", args=[private.pk])
    assert as_admin.post(delete).status_code == 403
    private.refresh_from_db()
    assert (private.access, private.deleted_at) == ("owner", None)
    # Once the owner has left, the channel is not stuck.
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert as_admin.get(edit_url(private)).status_code == 200


def test_a_selected_employee_with_settings_may_change_the_channel(as_admin, admin, make_employee):
    channel = ChannelFactory(access="selected", owner=make_employee("admin"), members=[admin])
    assert as_admin.get(edit_url(channel)).status_code == 200


def test_an_unknown_channel_is_404(as_admin):
    assert as_admin.get(reverse("conversations:channel_edit", args=[999999])).status_code == 404
    assert as_admin.post(reverse("conversations:channel_delete", args=[999999])).status_code == 404


# --- Sites allowed to embed a web chat -------------------------------------------------------


def test_a_web_chat_lists_the_sites_allowed_to_embed_it_one_per_line(as_admin):
    response = as_admin.post(
        reverse("conversations:channel_create"),
        form_data(
            allowed_origins=(
                "https://www.MyShop.com.br/\r\n\r\n  http://localhost:8000  \n"
                "https://www.myshop.com.br\nhttps://loja.example:443\nhttps://oficina-zé.com.br"
            )
        ),
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    # Written as browsers write origins; the repeated one once.
    assert channel.allowed_origins == [
        "https://www.myshop.com.br",
        "http://localhost:8000",
        "https://loja.example",
        "https://xn--oficina-z-j4a.com.br",
    ]
    page = as_admin.get(edit_url(channel))
    html = page.content.decode()
    # Shown next to the snippet, with what the list means, and on the form to change it.
    assert "<code>https://www.myshop.com.br</code>" in html
    assert "appears only on pages of these sites" in html
    assert 'id="embed-sites-empty"' not in html
    assert 'name="allowed_origins"' in html
    assert page.context["form"].initial["allowed_origins"] == channel.allowed_origins
    assert "https://www.myshop.com.br\nhttp://localhost:8000" in html

    saved = as_admin.post(edit_url(channel), form_data(allowed_origins="https://b.example"))
    assert saved.status_code == 302
    channel.refresh_from_db()
    assert channel.allowed_origins == ["https://b.example"]
    assert as_admin.post(edit_url(channel), form_data(allowed_origins="")).status_code == 302
    channel.refresh_from_db()
    assert channel.allowed_origins == []


def test_with_no_site_listed_the_page_says_the_chat_only_opens_by_its_link(as_admin):
    channel = ChannelFactory()
    html = as_admin.get(edit_url(channel)).content.decode()
    assert 'id="embed-sites-empty"' in html
    assert "No website is allowed yet" in html


@pytest.mark.parametrize(
    "text, message",
    [
        ("www.myshop.com.br", "must start with https://"),
        ("ftp://myshop.com.br", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://www.myshop.com.br/contato", "has a path"),
        ("https://myshop.com.br?x=1", "has a path"),
        ("https://myshop.com.br#top", "has a path"),
        ("https://*.myshop.com.br", "wildcards are not accepted"),
        ("*", "wildcards are not accepted"),
        ("https://user:pw@myshop.com.br", "is not a site address"),
        ("https://my shop.com.br", "is not a site address"),
        ("https://", "is not a site address"),
        ("https://-bad-.com", "is not a site address"),
        ("https://a..b", "is not a site address"),
        ("https://myshop.com.br:99999", "is not a site address"),
        ("https://myshop.com.br:0", "is not a site address"),
        ("https://myshop.com.br; script-src *", "is not a site address"),
        ("https://" + "a" * 300 + ".com", "is not a site address"),
        ("https://ok.example\nbad", "Line 2:"),
    ],
)
def test_a_site_that_is_not_an_origin_is_refused_with_a_clear_message(as_admin, text, message):
    response = as_admin.post(
        reverse("conversations:channel_create"), form_data(allowed_origins=text)
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors["allowed_origins"])
    assert message in errors
    assert not Channel.objects.exists()


def test_a_wrong_site_on_an_existing_channel_changes_nothing(as_admin):
    channel = ChannelFactory(name="Site", allowed_origins=["https://a.example"])
    response = as_admin.post(
        edit_url(channel), form_data(name="Renamed", allowed_origins="https://b.example/x")
    )
    assert response.status_code == 200
    channel.refresh_from_db()
    assert (channel.name, channel.allowed_origins) == ("Site", ["https://a.example"])


def test_at_most_twenty_sites(as_admin):
    many = "\n".join(f"https://s{n}.example" for n in range(ORIGINS_MAX + 1))
    response = as_admin.post(
        reverse("conversations:channel_create"), form_data(allowed_origins=many)
    )
    assert response.status_code == 200
    assert "At most 20 sites" in str(response.context["form"].errors["allowed_origins"])
    assert not Channel.objects.exists()
    exactly = "\n".join(f"https://s{n}.example" for n in range(ORIGINS_MAX))
    response = as_admin.post(
        reverse("conversations:channel_create"), form_data(allowed_origins=exactly)
    )
    assert response.status_code == 302
    assert len(Channel.objects.get().allowed_origins) == ORIGINS_MAX
    huge = as_admin.post(
        reverse("conversations:channel_create"), form_data(allowed_origins="x" * 100_000)
    )
    assert huge.status_code == 200 and Channel.objects.count() == 1


def test_an_unsafe_site_is_shown_escaped_in_the_error(as_admin):
    response = as_admin.post(
        reverse("conversations:channel_create"),
        form_data(allowed_origins="<script>alert(1)</script>"),
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_telegram_bot_has_no_site_list(as_admin, telegram):
    html = as_admin.get(reverse("conversations:channel_create") + "?kind=telegram").content
    assert b'name="allowed_origins"' not in html
    as_admin.post(
        reverse("conversations:channel_create"),
        {
            "kind": "telegram",
            "name": "Bot",
            "access": "all",
            "bot_token": TOKEN,
            "allowed_origins": "https://ignored.example",
        },
    )
    assert Channel.objects.get().allowed_origins == []


@pytest.mark.parametrize(
    "value, origin",
    [
        ("https://WWW.Shop.COM", "https://www.shop.com"),
        ("http://shop.com:80", "http://shop.com"),
        ("https://shop.com:8443/", "https://shop.com:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://münchen.de", "https://xn--mnchen-3ya.de"),
    ],
)
def test_origins_are_written_as_a_browser_writes_them(value, origin):
    assert origin_normalize(value) == origin


def test_the_model_refuses_a_list_the_form_would_not_write():
    validate_allowed_origins([])
    validate_allowed_origins(["https://a.example", "http://localhost:8000"])
    for bad in [
        "https://a.example",
        [1],
        ["https://A.example"],
        ["https://a.example", "https://a.example"],
        [f"https://s{n}.example" for n in range(ORIGINS_MAX + 1)],
    ]:
        with pytest.raises(ValidationError):
            validate_allowed_origins(bad)


# --- Deleting --------------------------------------------------------------------------------


def test_deleting_asks_first_then_keeps_the_history(as_admin, telegram):
    channel = TelegramChannelFactory(name="Bot", credentials={"bot_token": TOKEN})
    conversation = ConversationFactory(channel=channel)
    delete = reverse("conversations:channel_delete", args=[channel.pk])
    confirm = as_admin.get(delete)
    assert confirm.status_code == 200
    assert "Its 1 conversation stays readable" in confirm.content.decode()
    channel.refresh_from_db()
    assert channel.deleted_at is None  # only asked

    response = as_admin.post(delete)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:channels")
    channel.refresh_from_db()
    assert channel.is_deleted
    assert channel.credentials == {}
    assert Conversation.objects.filter(pk=conversation.pk).exists()

    page = as_admin.get(edit_url(channel)).content.decode()
    assert "This channel was deleted" in page and 'name="bot_token"' not in page
    assert as_admin.post(edit_url(channel), form_data(name="Back")).status_code == 200
    channel.refresh_from_db()
    assert channel.name == "Bot"
    assert as_admin.post(delete).status_code == 302  # again: nothing more to do


def test_a_deleted_web_chat_shows_no_snippet(as_admin, admin):
    channel = ChannelFactory()
    services.channel_delete(actor=admin, channel=channel)
    html = as_admin.get(edit_url(channel)).content.decode()
    assert "embed.js" not in html
