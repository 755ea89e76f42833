"""The web chat widget: visitors without an account write to the shop and read its replies;
only their own conversation, only with their token, escaped, rate-limited."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client as HttpClient
from django.urls import reverse

from clients.services import client_create
from conversations import services
from conversations.models import TEXT_MAX, Attachment, Channel, Conversation, Message
from conversations.services import IncomingFile
from conversations.views.webchat_common import BODY_MAX, client_ip
from jobs.testing import run_tasks

from .factories import ChannelFactory, ConversationFactory, MessageFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel():
    return ChannelFactory(name="Oficina do Zé")


def messages_url(channel) -> str:
    return reverse("conversations:webchat_messages", args=[channel.public_key])


def post(http, channel, body, **extra):
    return http.post(
        messages_url(channel),
        data=json.dumps(body) if not isinstance(body, bytes | str) else body,
        content_type=extra.pop("content_type", "application/json"),
        **extra,
    )


def poll(http, channel, token, after=0, **params):
    return http.get(messages_url(channel), {"token": token, "after": after, **params})


def start(http, channel, text="Olá, meu celular não liga", **fields):
    response = post(http, channel, {"text": text, **fields})
    assert response.status_code == 201, response.content
    return response.json()


# --- The page ------------------------------------------------------------------------------


def widget_config(response) -> dict:
    found = re.search(
        r'<script id="webchat-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


def test_the_widget_is_a_standalone_page_without_cookies(client, channel):
    response = client.get(reverse("conversations:webchat", args=[channel.public_key]))
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie: nothing a frame would lose
    html = response.content.decode()
    assert "Oficina do Zé" in html
    assert 'id="webchat-config"' in html
    assert "conversations/webchat.js" in html
    assert "topbar" not in html  # not the staff layout
    assert "no-store" in response.headers["Cache-Control"]


# --- Who may frame it ------------------------------------------------------------------------


def test_with_no_site_listed_only_oficina_itself_may_frame_the_widget(client, channel):
    assert channel.allowed_origins == []
    response = client.get(reverse("conversations:webchat", args=[channel.public_key]))
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the same answer for older browsers
    assert widget_config(response)["allowedOrigins"] == []


def test_only_the_listed_sites_may_frame_the_widget_and_get_its_token(client):
    channel = ChannelFactory(allowed_origins=["https://www.myshop.com.br", "http://localhost:8000"])
    response = client.get(reverse("conversations:webchat", args=[channel.public_key]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://www.myshop.com.br http://localhost:8000"
    )
    # X-Frame-Options cannot name other sites: absent, not contradicting the policy.
    assert "X-Frame-Options" not in response.headers
    # The widget hands its token only to a parent page of these sites.
    assert widget_config(response)["allowedOrigins"] == [
        "https://www.myshop.com.br",
        "http://localhost:8000",
    ]


def test_an_invitation_page_has_the_same_frame_policy(client, manager):
    channel = ChannelFactory(allowed_origins=["https://shop.example"])
    person = client_create(actor=manager, data={"kind": "person", "first_name": "Bia"})
    conversation = services.conversation_start(actor=manager, channel=channel, client=person)
    url = reverse(
        "conversations:webchat_invite", args=[channel.public_key, conversation.invite_token]
    )
    page = client.get(url)
    assert page["Content-Security-Policy"] == "frame-ancestors 'self' https://shop.example"
    assert widget_config(page)["allowedOrigins"] == ["https://shop.example"]
    client.post(url)
    used = client.get(url)
    assert used.status_code == 404
    assert used["Content-Security-Policy"] == "frame-ancestors 'self' https://shop.example"


def test_a_stored_site_that_is_not_an_origin_never_reaches_the_header(client):
    # Written around the form (e.g. by hand in the database): left out, not copied.
    channel = ChannelFactory(
        allowed_origins=["https://ok.example", "https://bad.example/x; script-src *", 42]
    )
    response = client.get(reverse("conversations:webchat", args=[channel.public_key]))
    assert response["Content-Security-Policy"] == "frame-ancestors 'self' https://ok.example"
    assert widget_config(response)["allowedOrigins"] == ["https://ok.example"]


def test_the_widget_script_posts_only_to_a_checked_parent_origin(client):
    script = (
        Path(django_settings.BASE_DIR) / "conversations/static/conversations/webchat.js"
    ).read_text()
    assert 'postMessage(message, "*")' not in script and "'*'" not in script
    assert "postMessage(message, trustedParent)" in script
    assert "event.origin !== trustedParent" in script
    assert "?token=" not in script


@pytest.mark.parametrize("case", ["unknown", "deleted", "telegram"])
def test_an_unknown_deleted_or_non_webchat_channel_has_no_widget(client, admin, case):
    if case == "unknown":
        key = "no-such-key-aaaaaaaaaaaaaaaa"
    elif case == "deleted":
        channel = ChannelFactory()
        services.channel_delete(actor=admin, channel=channel)
        key = channel.public_key
    else:
        key = TelegramChannelFactory().public_key
    page = client.get(reverse("conversations:webchat", args=[key]))
    assert page.status_code == 404
    assert "This chat is not available." in page.content.decode()
    assert "X-Frame-Options" not in page.headers  # the notice shows inside the shop's frame
    api = client.get(reverse("conversations:webchat_messages", args=[key]))
    assert api.status_code == 404
    sent = client.post(
        reverse("conversations:webchat_messages", args=[key]),
        data=json.dumps({"text": "hello"}),
        content_type="application/json",
    )
    assert sent.status_code == 404
    assert not Conversation.objects.exists()
    assert client.get(reverse("conversations:webchat_embed", args=[key])).status_code == 404


# --- Writing and reading ---------------------------------------------------------------------


def test_a_first_message_starts_a_conversation_and_the_visitor_sees_the_reply(
    channel, manager, django_capture_on_commit_callbacks
):
    # A strict client: the endpoints must work without a CSRF token (they carry none).
    visitor = HttpClient(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks() as callbacks:
        data = start(visitor, channel, name="  Ana Lima ")
    assert callbacks  # employees' open pages are told
    token = data["token"]
    assert len(token) >= 20
    conversation = Conversation.objects.get()
    assert conversation.channel == channel
    assert conversation.external_id == token
    assert conversation.contact_name == "Ana Lima"
    assert conversation.unread_count == 1
    incoming = conversation.messages.get()
    assert incoming.direction == Message.Direction.INCOMING
    assert incoming.text == "Olá, meu celular não liga"
    assert data["message"] == {
        "id": incoming.pk,
        "mine": True,
        "text": "Olá, meu celular não liga",
        "time": incoming.created_at.isoformat(),
        "files": [],
    }
    assert Conversation.objects.visible_to(manager).filter(pk=conversation.pk).exists()

    reply = services.message_send(
        actor=manager, conversation=conversation, text="Traga-o amanhã às 9h"
    )
    everything = poll(visitor, channel, token).json()["messages"]
    assert [(m["id"], m["mine"], m["text"]) for m in everything] == [
        (incoming.pk, True, "Olá, meu celular não liga"),
        (reply.pk, False, "Traga-o amanhã às 9h"),
    ]
    newer = poll(visitor, channel, token, after=incoming.pk).json()["messages"]
    assert [m["id"] for m in newer] == [reply.pk]
    assert poll(visitor, channel, token, after=reply.pk).json()["messages"] == []


def test_the_token_also_travels_in_a_header(client, channel):
    token = start(client, channel)["token"]
    response = client.get(messages_url(channel), HTTP_X_CHAT_TOKEN=token)
    assert len(response.json()["messages"]) == 1
    again = post(client, channel, {"text": "Mais uma coisa"}, HTTP_X_CHAT_TOKEN=token)
    assert again.status_code == 201
    assert again.json()["token"] == token
    assert Conversation.objects.get().messages.count() == 2


def test_later_messages_join_the_same_conversation_and_reopen_it(client, channel, manager):
    token = start(client, channel)["token"]
    conversation = Conversation.objects.get()
    services.conversation_close(actor=manager, conversation=conversation)
    response = post(client, channel, {"token": token, "text": "Ainda está aí?"})
    assert response.status_code == 201
    assert response.json()["token"] == token
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.messages.count() == 2
    assert Conversation.objects.count() == 1


def test_a_token_the_server_does_not_know_gets_a_new_conversation_under_a_new_token(
    client, channel
):
    guessed = "A" * 32
    response = post(client, channel, {"token": guessed, "text": "Oi"})
    assert response.status_code == 201
    token = response.json()["token"]
    assert token != guessed  # a visitor never picks their own token
    assert Conversation.objects.get().external_id == token


def test_a_wrong_token_or_another_channel_sees_nothing(client, channel):
    mine = start(client, channel, text="meu segredo")["token"]
    other = start(HttpClient(), channel, text="o segredo de outro")["token"]
    assert [m["text"] for m in poll(client, channel, mine).json()["messages"]] == ["meu segredo"]
    assert poll(client, channel, "B" * 32).json() == {"messages": []}
    assert poll(client, channel, "").json() == {"messages": []}
    # The same token on another web chat of the shop finds nothing there.
    second = ChannelFactory()
    assert poll(client, second, mine).json() == {"messages": []}
    assert poll(client, second, other).json() == {"messages": []}
    # A Telegram conversation's chat id is not a web chat token.
    telegram = ConversationFactory(channel=TelegramChannelFactory(), external_id="C" * 24)
    MessageFactory(conversation=telegram, text="telegram")
    assert poll(client, channel, "C" * 24).json() == {"messages": []}


def test_visitor_text_is_escaped_in_the_html_fragment_and_raw_in_json(client, channel, manager):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    token = start(client, channel, text=attack)["token"]
    services.message_send(
        actor=manager, conversation=Conversation.objects.get(), text="<b>bold?</b>"
    )
    fragment = poll(client, channel, token, format="html")
    assert fragment["Content-Type"].startswith("text/html")
    html = fragment.content.decode()
    assert "<script>" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert html.count('class="chat-msg ') == 2
    # JSON carries the text as it was written; the widget sets it with textContent.
    assert poll(client, channel, token).json()["messages"][0]["text"] == attack


def test_the_page_opening_shows_the_latest_messages_only(client, channel, monkeypatch):
    import conversations.views.webchat_messages as webchat

    monkeypatch.setattr(webchat, "HISTORY", 3)
    monkeypatch.setattr(webchat, "BATCH", 2)
    token = start(client, channel, text="1")["token"]
    conversation = Conversation.objects.get()
    ids = [MessageFactory(conversation=conversation, text=str(n)).pk for n in range(2, 7)]
    assert [m["text"] for m in poll(client, channel, token).json()["messages"]] == ["4", "5", "6"]
    # Polls page forwards: the next poll asks after the last id it got.
    batch = poll(client, channel, token, after=ids[0]).json()["messages"]
    assert [m["text"] for m in batch] == ["3", "4"]


def get_file(http, url, token, **params):
    return http.get(url, params, HTTP_X_CHAT_TOKEN=token)


def test_files_an_employee_sends_reach_only_the_visitor_of_that_conversation(
    client, channel, manager
):
    token = start(client, channel)["token"]
    conversation = Conversation.objects.get()
    services.message_send(
        actor=manager,
        conversation=conversation,
        text="Orçamento e foto",
        files=[
            IncomingFile(name="foto.png", content_type="image/png", content=PNG),
            IncomingFile(name="orcamento.pdf", content_type="application/pdf", content=b"%PDF-1"),
        ],
    )
    reply = poll(client, channel, token).json()["messages"][-1]
    photo, pdf = reply["files"]
    assert (photo["name"], photo["image"], pdf["name"], pdf["image"]) == (
        "foto.png",
        True,
        "orcamento.pdf",
        False,
    )
    # The token is never part of a file's address: the widget sends it in a header.
    assert token not in photo["url"] and "?" not in photo["url"] and "?" not in pdf["url"]
    shown = get_file(client, photo["url"], token)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert "no-store" in shown["Cache-Control"]
    assert b"".join(shown.streaming_content) == PNG
    download = get_file(client, pdf["url"], token)
    assert download["Content-Type"] == "application/octet-stream"  # never rendered inline
    assert download["Content-Disposition"].startswith("attachment")
    path = photo["url"]
    assert client.get(path).status_code == 404
    assert get_file(client, path, "D" * 32).status_code == 404
    assert get_file(client, path, "not a token").status_code == 404
    other = start(HttpClient(), channel)["token"]
    assert get_file(client, path, other).status_code == 404
    # Not in the address either: a token in the URL (proxy logs, history) opens nothing.
    assert client.get(path, {"token": token}).status_code == 404


def test_the_html_fragment_links_files_without_the_token(client, channel, manager):
    token = start(client, channel)["token"]
    services.message_send(
        actor=manager,
        conversation=Conversation.objects.get(),
        text="foto",
        files=[IncomingFile(name="foto.png", content_type="image/png", content=PNG)],
    )
    html = poll(client, channel, token, format="html").content.decode()
    assert "foto.png" in html and "/files/" in html
    assert token not in html


def test_a_file_missing_from_storage_is_404_not_an_error(client, channel, manager):
    token = start(client, channel)["token"]
    services.message_send(
        actor=manager,
        conversation=Conversation.objects.get(),
        text="foto",
        files=[IncomingFile(name="foto.png", content_type="image/png", content=PNG)],
    )
    attachment = Attachment.objects.get()
    url = poll(client, channel, token).json()["messages"][-1]["files"][0]["url"]
    attachment.file.storage.delete(attachment.file.name)
    response = get_file(client, url, token)
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()  # the row is not touched


# --- Refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        ({"text": ""}, "application/json", "Write a message."),
        ({"text": "   \n  "}, "application/json", "Write a message."),
        ({}, "application/json", "Write a message."),
        ({"text": "x" * (TEXT_MAX + 1)}, "application/json", "at most 4096 characters"),
        ({"text": "a\x00b"}, "application/json", "not allowed"),
        ({"text": 42}, "application/json", "must be text"),
        ({"text": ["a"]}, "application/json", "must be text"),
        ({"text": "ok", "name": {"a": 1}}, "application/json", "must be text"),
        ({"text": "ok", "name": "n" * 101}, "application/json", "name is too long"),
        ({"text": "ok", "name": "\u0000"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "Ana\u0000Lima"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "Ana\nLima"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "Ana\x7f"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "Ana\x85Lima"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "Ana\u2028Lima"}, "application/json", "name contains a character"),
        ({"text": "ok", "name": "\u202eanaL anA"}, "application/json", "name contains a character"),
        ('{"text": "ok", "name": "\\ud800"}', "application/json", "could not be read"),
        ({"text": "ok", "token": "short"}, "application/json", "could not be read"),
        ({"text": "ok", "token": 12345}, "application/json", "could not be read"),
        ({"text": "ok", "token": "<script>" * 4}, "application/json", "could not be read"),
        ("{not json", "application/json", "could not be read"),
        ('["text"]', "application/json", "could not be read"),
        (b"\xff\xfe{}", "application/json", "could not be read"),
        ("text=hello", "text/plain", "could not be read"),
    ],
)
def test_bad_messages_are_refused_with_a_clear_message_and_change_nothing(
    client, channel, body, content_type, message
):
    response = post(client, channel, body, content_type=content_type)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_a_known_visitors_bad_message_changes_nothing_either(client, channel):
    token = start(client, channel)["token"]
    response = post(client, channel, {"token": token, "text": "y" * (TEXT_MAX + 1)})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_a_form_encoded_message_is_accepted_too(client, channel):
    response = client.post(messages_url(channel), {"text": "pelo formulário", "name": "Rui"})
    assert response.status_code == 201
    assert Conversation.objects.get().contact_name == "Rui"


def test_a_form_encoded_name_with_a_nul_byte_is_refused(client, channel):
    response = client.post(
        messages_url(channel),
        "text=oi&name=Rui%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "name contains a character" in response.json()["error"]
    assert not Conversation.objects.exists()


def test_a_name_of_many_scripts_and_emoji_is_kept(client, channel):
    name = "José Ñandú 李小龙 👩‍🔧"  # the zero-width joiner in the emoji is fine
    assert post(client, channel, {"text": "oi", "name": f"  {name} "}).status_code == 201
    assert Conversation.objects.get().contact_name == name


def test_a_name_exactly_at_the_limit_is_kept(client, channel):
    assert post(client, channel, {"text": "oi", "name": "n" * 100}).status_code == 201
    assert Conversation.objects.get().contact_name == "n" * 100


def test_a_huge_body_is_refused_before_it_is_read(client, channel):
    response = post(client, channel, {"text": "z" * (BODY_MAX + 10)})
    assert response.status_code == 413
    assert "too long" in response.json()["error"]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    "params", [{"after": "abc"}, {"after": "-1"}, {"after": "1e5"}, {"format": "xml"}]
)
def test_malformed_polls_are_refused(client, channel, params):
    token = start(client, channel)["token"]
    response = client.get(messages_url(channel), {"token": token, **params})
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_malformed_token_on_a_poll_is_refused(client, channel):
    assert client.get(messages_url(channel), {"token": "x"}).status_code == 400
    assert client.get(messages_url(channel), {"token": "a b" * 10}).status_code == 400


def test_only_get_and_post(client, channel):
    assert client.put(messages_url(channel)).status_code == 405
    url = reverse("conversations:webchat", args=[channel.public_key])
    assert client.post(url).status_code == 405


# --- Rate limits -----------------------------------------------------------------------------


def test_a_visitor_sending_too_fast_is_refused_with_429(client, channel, settings):
    settings.OFICINA_WEBCHAT_RATE_TOKEN = (3, 60)
    token = start(client, channel)["token"]
    for n in range(3):
        assert post(client, channel, {"token": token, "text": f"m{n}"}).status_code == 201
    refused = post(client, channel, {"token": token, "text": "too many"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many messages" in refused.json()["error"]
    assert Message.objects.count() == 4
    # Another visitor (from another address) is not held back.
    other = post(HttpClient(REMOTE_ADDR="10.0.0.2"), channel, {"text": "oi"})
    assert other.status_code == 201


def test_one_address_sending_too_fast_is_refused_whatever_the_token(client, channel, settings):
    settings.OFICINA_WEBCHAT_RATE_IP = (4, 60)
    for n in range(4):
        assert post(client, channel, {"text": f"visitor {n}"}).status_code == 201
    assert post(client, channel, {"text": "fifth"}).status_code == 429
    assert Conversation.objects.count() == 4
    assert post(HttpClient(REMOTE_ADDR="10.0.0.9"), channel, {"text": "oi"}).status_code == 201


def test_one_address_cannot_open_endless_conversations(client, channel, settings):
    settings.OFICINA_WEBCHAT_RATE_NEW = (2, 3600)
    token = start(client, channel)["token"]
    start(client, channel)
    assert post(client, channel, {"text": "third visitor"}).status_code == 429
    assert Conversation.objects.count() == 2
    # Those already talking go on.
    assert post(client, channel, {"token": token, "text": "still me"}).status_code == 201


def test_polling_too_fast_is_refused(client, channel, settings):
    settings.OFICINA_WEBCHAT_RATE_READ = (2, 60)
    token = start(client, channel)["token"]
    assert poll(client, channel, token).status_code == 200
    assert poll(client, channel, token).status_code == 200
    assert poll(client, channel, token).status_code == 429


def test_behind_trusted_proxies_the_address_is_the_one_they_saw(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.1")
    settings.OFICINA_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # the header is not trusted by default
    settings.OFICINA_TRUSTED_PROXIES = 1
    assert client_ip(request) == "1.2.3.4"  # the visitor could have written 6.6.6.6
    settings.OFICINA_TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.1"  # fewer hops than proxies: not trusted


# --- Invitations -----------------------------------------------------------------------------


@pytest.fixture
def invited(channel, manager):
    client = client_create(actor=manager, data={"kind": "person", "first_name": "Beatriz"})
    conversation = services.conversation_start(actor=manager, channel=channel, client=client)
    services.message_send(
        actor=manager, conversation=conversation, text="Seu orçamento está pronto"
    )
    return conversation


def invite_url(conversation) -> str:
    return reverse(
        "conversations:webchat_invite",
        args=[conversation.channel.public_key, conversation.invite_token],
    )


def test_an_invitation_joins_once_and_shows_the_earlier_messages(client, invited):
    page = client.get(invite_url(invited))
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert 'id="chat-join-button"' in page.content.decode()
    invited.refresh_from_db()
    assert invited.external_id == ""  # opening the link (a preview, a scanner) uses nothing

    joined = HttpClient(enforce_csrf_checks=True).post(
        invite_url(invited), data="{}", content_type="application/json"
    )
    assert joined.status_code == 200
    token = joined.json()["token"]
    assert [m["text"] for m in joined.json()["messages"]] == ["Seu orçamento está pronto"]
    invited.refresh_from_db()
    assert invited.external_id == token
    # The visitor writes back into the same conversation.
    assert post(client, invited.channel, {"token": token, "text": "Obrigada!"}).status_code == 201
    assert invited.messages.count() == 2

    # Someone else with the same link gets nothing.
    again = client.post(invite_url(invited), data="{}", content_type="application/json")
    assert again.status_code == 404
    assert "already used" in again.json()["error"]
    used = client.get(invite_url(invited))
    assert used.status_code == 404
    assert "already used" in used.content.decode()
    invited.refresh_from_db()
    assert invited.external_id == token


def test_the_same_browser_opening_the_link_again_keeps_its_token(client, invited):
    token = client.post(invite_url(invited)).json()["token"]
    again = client.post(
        invite_url(invited), data=json.dumps({"token": token}), content_type="application/json"
    )
    assert again.status_code == 200
    assert again.json()["token"] == token


def test_a_browser_with_an_earlier_chat_joins_under_a_new_token(client, channel, invited):
    earlier = start(client, channel)["token"]
    joined = client.post(
        invite_url(invited), data=json.dumps({"token": earlier}), content_type="application/json"
    )
    assert joined.status_code == 200
    assert joined.json()["token"] != earlier
    assert Conversation.objects.get(external_id=earlier).pk != invited.pk


def test_an_unknown_invitation_or_one_of_another_channel_is_404(client, channel, invited):
    bogus = reverse("conversations:webchat_invite", args=[channel.public_key, "nope" * 8])
    assert client.get(bogus).status_code == 404
    assert client.post(bogus).status_code == 404
    elsewhere = reverse(
        "conversations:webchat_invite", args=[ChannelFactory().public_key, invited.invite_token]
    )
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere).status_code == 404
    invited.refresh_from_db()
    assert invited.external_id == ""


def test_a_deleted_channels_invitation_is_404(client, admin, invited):
    services.channel_delete(actor=admin, channel=invited.channel)
    assert client.get(invite_url(invited)).status_code == 404
    assert client.post(invite_url(invited)).status_code == 404


def test_the_connectors_invite_link_is_this_page(rf, invited):
    from conversations.connectors import connector_for

    link = connector_for(Channel.Kind.WEBCHAT).invite_link(invited, rf.get("/"))
    assert link == "http://testserver" + invite_url(invited)


# --- Delivery --------------------------------------------------------------------------------


def deliver(manager, conversation, text, capture):
    with capture(execute=True):
        message = services.message_send(actor=manager, conversation=conversation, text=text)
    run_tasks()
    message.refresh_from_db()
    return message


def test_before_the_visitor_joins_a_message_is_only_sent_then_delivered_when_they_join(
    client, channel, manager, django_capture_on_commit_callbacks
):
    person = client_create(actor=manager, data={"kind": "person", "first_name": "Beatriz"})
    invited = services.conversation_start(actor=manager, channel=channel, client=person)
    capture = django_capture_on_commit_callbacks
    first = deliver(manager, invited, "Seu orçamento está pronto", capture)
    assert first.delivery == Message.Delivery.SENT  # stored for a visitor nobody has seen yet
    second = deliver(manager, invited, "Ainda não veio?", capture)
    assert second.delivery == Message.Delivery.SENT

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        joined = client.post(invite_url(invited))
    assert joined.status_code == 200
    assert len(callbacks) >= 2  # employees' open pages hear of each delivery
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.delivery, second.delivery) == (
        Message.Delivery.DELIVERED,
        Message.Delivery.DELIVERED,
    )


def test_once_a_visitor_is_bound_messages_are_delivered(
    client, channel, manager, django_capture_on_commit_callbacks
):
    start(client, channel)
    reply = deliver(
        manager, Conversation.objects.get(), "Pode trazer", django_capture_on_commit_callbacks
    )
    assert reply.delivery == Message.Delivery.DELIVERED


def test_a_poll_that_fetches_a_message_before_the_worker_marks_it_delivered(
    client, channel, manager, django_capture_on_commit_callbacks
):
    token = start(client, channel)["token"]
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.message_send(actor=manager, conversation=conversation, text="Oi")
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.PENDING
    assert [m["text"] for m in poll(client, channel, token).json()["messages"]][-1] == "Oi"
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.DELIVERED
    run_tasks()  # the queued delivery finds nothing more to do
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.DELIVERED


def test_a_poll_leaves_a_failed_message_failed(client, channel, manager):
    token = start(client, channel)["token"]
    conversation = Conversation.objects.get()
    reply = services.message_send(actor=manager, conversation=conversation, text="Oi")
    services.message_delivery_set(
        message_id=reply.pk, delivery=Message.Delivery.FAILED, error="gave up"
    )
    poll(client, channel, token)
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED


# --- embed.js --------------------------------------------------------------------------------


def test_the_embed_script_is_javascript_pointing_at_the_widget(client, channel):
    response = client.get(reverse("conversations:webchat_embed", args=[channel.public_key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "max-age=300" in response["Cache-Control"]
    body = response.content.decode()
    widget = f"http://testserver/chat/{channel.public_key}/"
    assert json.dumps(widget) in body
    assert '"origin": "http://testserver"' in body
    assert "attachShadow" in body and "iframe" in body
    # It hears only the widget's own origin, and speaks only to it.
    assert "event.origin !== config.origin" in body
    assert "postMessage(message, config.origin)" in body
    assert '"*"' not in body


def test_the_embed_script_uses_the_public_address_and_escapes_the_name(client, settings):
    settings.OFICINA_PUBLIC_URL = "https://shop.example.com/"
    channel = ChannelFactory(name='Zé "</script><script>alert(1)//')
    body = client.get(
        reverse("conversations:webchat_embed", args=[channel.public_key])
    ).content.decode()
    assert f'"https://shop.example.com/chat/{channel.public_key}/"' in body
    assert '"origin": "https://shop.example.com"' in body
    # The name is a JSON string inside the script, never code.
    assert json.dumps('Zé "</script><script>alert(1)//') in body


# --- Cost ------------------------------------------------------------------------------------


def test_a_poll_and_a_message_cost_a_bounded_number_of_queries(
    client, channel, manager, django_assert_max_num_queries
):
    token = start(client, channel)["token"]
    conversation = Conversation.objects.get()
    for n in range(20):
        services.message_send(actor=manager, conversation=conversation, text=f"reply {n}")
    # The first poll marks the 20 replies delivered in one update, whatever their number.
    with django_assert_max_num_queries(5):
        assert len(poll(client, channel, token).json()["messages"]) == 21
    assert not conversation.messages.filter(direction="out").exclude(delivery="delivered")
    with django_assert_max_num_queries(4):  # channel, conversation, messages, attachments
        assert len(poll(client, channel, token).json()["messages"]) == 21
    with django_assert_max_num_queries(4):
        assert len(poll(client, channel, token, format="html").content) > 0
    with django_assert_max_num_queries(10):
        assert post(client, channel, {"token": token, "text": "ok"}).status_code == 201
