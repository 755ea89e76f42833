"""The conversation pages an employee works in: the inbox and its filters, the conversation
view (history upwards, new-message box, close / reopen, assign, link or create the client,
files), and the client's Conversations section with "+ Conversation". Refused input shows a
message and changes nothing; text is always shown escaped."""

import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from clients.models import Client
from clients.services import PhoneInput, client_create
from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import Attachment, Channel, Conversation, Message
from core.htmx import MESSAGES_EVENT
from documents.orders import order_close, order_create, order_item_add

from .factories import (
    ChannelFactory,
    ConversationFactory,
    MessageFactory,
    TelegramChannelFactory,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
UNSAFE = '<script>alert("x")</script>'


@pytest.fixture
def channel(admin):
    return ChannelFactory(name="Site chat", owner=admin)


@pytest.fixture
def ana(channel):
    conversation = ConversationFactory(channel=channel, contact_name="Ana Visitante")
    services.message_receive(conversation=conversation, text="Meu celular não liga")
    services.message_receive(conversation=conversation, text="Vocês abrem sábado?")
    conversation.refresh_from_db()
    return conversation


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def announced(response) -> str:
    """The messages an htmx answer hands to the page's status region (core/htmx.py), each as
    "level: text"."""
    trigger = json.loads(response.headers.get("HX-Trigger-After-Settle", "{}"))
    shown = trigger.get(MESSAGES_EVENT, {}).get("messages", [])
    return "\n".join(f"{message['level']}: {message['text']}" for message in shown)


def html(response) -> str:
    return response.content.decode()


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(Message.objects.order_by("pk").values_list("pk", "text", "delivery")),
        list(
            Conversation.objects.order_by("pk").values_list(
                "pk", "status", "assignee_id", "client_id", "unread_count"
            )
        ),
        Attachment.objects.count(),
        Client.objects.count(),
    )


# --- The inbox --------------------------------------------------------------------------------


def test_the_inbox_lists_conversations_newest_activity_first(signed_in, ana, channel):
    older = ConversationFactory(
        channel=channel,
        contact_name="Bruno Antigo",
        last_activity_at=timezone.now() - timedelta(days=2),
        last_message_preview="Obrigado!",
    )
    page = html(signed_in.get("/conversations/"))
    assert "data-conversations-live" in page and 'data-realtime-state="connecting"' in page
    rows = re.findall(r'data-conversation-row="(\d+)"', page)
    assert rows == [str(ana.pk), str(older.pk)]
    assert "Vocês abrem sábado?" in page and "Site chat" in page
    assert 'data-unread="2"' in page and "data-unread-badge>2<" in page
    assert "Choose a conversation" in page
    assert "conversations/conversations.js" in page


def test_the_nav_shows_conversations_only_with_access(client, manager, specialist):
    client.force_login(manager)
    assert 'href="/conversations/"' in html(client.get("/clients/"))
    client.force_login(specialist)
    assert 'href="/conversations/"' not in html(client.get("/clients/"))


def test_inbox_filters(signed_in, manager, make_employee, channel, admin):
    other_channel = ChannelFactory(name="Telegram shop", owner=admin)
    mine = ConversationFactory(channel=channel, contact_name="Carla Minha", assignee=manager)
    theirs = ConversationFactory(
        channel=channel, contact_name="Davi Deles", assignee=make_employee("manager")
    )
    nobody = ConversationFactory(channel=other_channel, contact_name="Elisa Ninguém")
    closed = ConversationFactory(channel=channel, contact_name="Fabio Fechado", status="closed")
    linked = ConversationFactory(
        channel=channel, client=ClientFactory(first_name="Gabriela", last_name="Souza")
    )

    def shown(**params) -> set[int]:
        response = signed_in.get("/conversations/", params, **HX)
        assert response.status_code == 200
        assert "<html" not in html(response)  # htmx: the list alone
        return {int(pk) for pk in re.findall(r'data-conversation-row="(\d+)"', html(response))}

    everyone_open = {mine.pk, theirs.pk, nobody.pk, linked.pk}
    assert shown() == everyone_open
    assert shown(status="closed") == {closed.pk}
    assert shown(status="all") == everyone_open | {closed.pk}
    assert shown(scope="mine") == {mine.pk}
    assert shown(scope="unassigned") == {nobody.pk, linked.pk}
    assert shown(channel=other_channel.pk) == {nobody.pk}
    assert shown(search="carla") == {mine.pk}
    assert shown(search="gabriela souza") == {linked.pk}
    assert shown(search="Ninguém") == {nobody.pk}
    # Malformed filters fall back to the defaults instead of failing.
    assert shown(status="bogus", channel="x") == everyone_open
    assert shown(channel=999999) == everyone_open


def test_the_channel_filter_offers_only_accessible_channels(signed_in, channel, admin):
    hidden = ChannelFactory(name="Boss line", owner=admin, access=Channel.Access.OWNER)
    page = html(signed_in.get("/conversations/"))
    assert "Site chat" in page and "Boss line" not in page
    response = signed_in.get("/conversations/", {"channel": hidden.pk}, **HX)
    assert response.status_code == 200  # an inaccessible channel is ignored, not revealed


def test_the_inbox_paginates(signed_in, channel):
    ConversationFactory.create_batch(30, channel=channel)
    page = html(signed_in.get("/conversations/"))
    assert page.count("data-conversation-row=") == 25
    assert "Page 1 of 2" in page
    second = html(signed_in.get("/conversations/", {"page": 2}, **HX))
    assert second.count("data-conversation-row=") == 5
    assert 'data-list-url="/conversations/?page=2"' in second


# --- The conversation view --------------------------------------------------------------------


def test_opening_a_conversation_shows_it_and_marks_it_read(signed_in, ana):
    response = signed_in.get(f"/conversations/{ana.pk}/")
    page = html(response)
    assert response.status_code == 200
    assert f'data-conversation="{ana.pk}"' in page
    assert f'data-conversation-row="{ana.pk}"' in page  # the inbox beside it
    assert "Meu celular não liga" in page and "Ana Visitante" in page
    assert 'id="conversation-composer"' in page
    ana.refresh_from_db()
    assert ana.unread_count == 0

    partial = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    assert "<html" not in partial and partial.lstrip().startswith("<article")


def test_history_is_paginated_upwards(signed_in, channel):
    conversation = ConversationFactory(channel=channel)
    created = MessageFactory.create_batch(75, conversation=conversation)
    ids = [m.pk for m in created]
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    shown = [int(pk) for pk in re.findall(r'data-message="(\d+)"', page)]
    assert shown == ids[-30:]
    assert f"?before={ids[-30]}" in page and "Load earlier" in page

    url = f"/conversations/{conversation.pk}/messages/"
    earlier = html(signed_in.get(url, {"before": ids[-30]}, **HX))
    assert [int(pk) for pk in re.findall(r'data-message="(\d+)"', earlier)] == ids[-60:-30]
    assert f"?before={ids[-60]}" in earlier
    first = html(signed_in.get(url, {"before": ids[-60]}, **HX))
    assert [int(pk) for pk in re.findall(r'data-message="(\d+)"', first)] == ids[:15]
    assert "Load earlier" not in first

    after = html(signed_in.get(url, {"after": ids[-3]}, **HX))
    assert [int(pk) for pk in re.findall(r'data-message="(\d+)"', after)] == ids[-2:]
    one = html(signed_in.get(url, {"message": ids[10]}, **HX))
    assert re.findall(r'data-message="(\d+)"', one) == [str(ids[10])]
    for bad in ("abc", "-1", "1e5", "9" * 30):
        assert signed_in.get(url, {"before": bad}).status_code == 400


def test_several_messages_fetched_again_show_their_delivery_now(signed_in, channel, manager):
    """What an open page asks for when a status changed, or to see whether its messages
    are still sending: those messages of this conversation, as they are now."""
    conversation = ConversationFactory(channel=channel)
    sending, delivered = (
        services.message_send(actor=manager, conversation=conversation, text=text)
        for text in ("Orçamento pronto", "Pode buscar")
    )
    services.messages_mark_delivered(conversation=conversation, message_ids=[delivered.pk])
    elsewhere = MessageFactory(conversation=ConversationFactory(channel=channel))
    url = f"/conversations/{conversation.pk}/messages/"
    page = html(signed_in.get(url, {"message": [delivered.pk, sending.pk, elsewhere.pk]}, **HX))
    statuses = re.findall(r'data-message="(\d+)"[^>]*data-delivery="(\w+)"', page)
    assert statuses == [(str(sending.pk), "pending"), (str(delivered.pk), "delivered")]
    too_many = signed_in.get(url, {"message": list(range(1, 202))}, **HX)
    assert too_many.status_code == 400
    assert signed_in.get(url, {"message": [sending.pk, "x"]}, **HX).status_code == 400


def test_fetching_new_messages_while_looking_marks_them_read(signed_in, ana):
    last = ana.messages.last().pk
    services.message_receive(conversation=ana, text="Alô?")
    ana.refresh_from_db()
    assert ana.unread_count == 3
    page = html(signed_in.get(f"/conversations/{ana.pk}/messages/", {"after": last}, **HX))
    assert "Alô?" in page
    ana.refresh_from_db()
    assert ana.unread_count == 0


def test_each_message_shows_direction_author_time_and_delivery(signed_in, ana, manager):
    services.message_send(actor=manager, conversation=ana, text="Abrimos sim, das 9h às 13h")
    page = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    outgoing = re.search(r'<li id="message-\d+" class="conv-msg conv-msg-out".*?</li>', page, re.S)
    assert outgoing and manager.full_name in outgoing.group(0)
    assert 'data-delivery="pending"' in outgoing.group(0) and "Sending" in outgoing.group(0)
    incoming = re.search(r'<li id="message-\d+" class="conv-msg conv-msg-in".*?</li>', page, re.S)
    assert "Ana Visitante" in incoming.group(0) and "<time datetime=" in incoming.group(0)


def test_unsafe_text_is_shown_escaped(signed_in, channel, manager):
    conversation = ConversationFactory(channel=channel, contact_name=UNSAFE)
    services.message_receive(conversation=conversation, text=UNSAFE)
    signed_in.post(f"/conversations/{conversation.pk}/messages/", {"text": UNSAFE}, **HX)
    assert conversation.messages.filter(text=UNSAFE).count() == 2  # stored as written
    for url in (f"/conversations/{conversation.pk}/", "/conversations/"):
        page = html(signed_in.get(url))
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_links_in_messages_are_clickable_and_only_web_ones(signed_in, ana):
    services.message_receive(
        conversation=ana,
        text='Veja https://example.com/a?b=1&c="2" e javascript:alert(1) <a href="x">y</a>',
    )
    page = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    assert '<a href="https://example.com/a?b=1&amp;c=' in page and 'rel="nofollow"' in page
    assert 'href="javascript' not in page and 'href="x"' not in page
    assert "&lt;a href=&quot;x&quot;&gt;y&lt;/a&gt;" in page


# --- Sending ----------------------------------------------------------------------------------


def test_sending_a_message(signed_in, ana, manager, django_capture_on_commit_callbacks):
    url = f"/conversations/{ana.pk}/messages/"
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in.post(url, {"text": "  Pode trazer hoje  "}, **HX)
    assert response.status_code == 200
    assert "conversation-sent" in response["HX-Trigger"]
    assert 'id="conversation-text"' in html(response)
    assert "Pode trazer hoje" not in html(response)  # the box is empty again
    message = ana.messages.last()
    assert (message.text, message.direction, message.author, message.delivery) == (
        "Pode trazer hoje",
        "out",
        manager,
        "pending",
    )
    ana.refresh_from_db()
    assert ana.assignee == manager  # the first to answer takes it

    plain = signed_in.post(url, {"text": "Sem htmx"})
    assert plain.status_code == 302 and plain["Location"] == f"/conversations/{ana.pk}/"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"text": ""}, "Write a message or attach a file."),
        ({"text": "   \n  "}, "Write a message or attach a file."),
        ({"text": "x" * 4097}, "too long"),
        ({"text": "a\x00b"}, "not allowed"),
    ],
)
def test_a_refused_message_changes_nothing(signed_in, ana, data, error):
    before = state()
    response = signed_in.post(f"/conversations/{ana.pk}/messages/", data, **HX)
    assert response.status_code == 200 and error in html(response)
    assert "HX-Trigger" not in response
    assert state() == before
    plain = signed_in.post(f"/conversations/{ana.pk}/messages/", data, follow=True)
    assert error in html(plain)  # without htmx: a message on the conversation's page
    assert state()[0] == before[0]


def test_sending_on_a_deleted_channel_is_refused(signed_in, ana, admin):
    services.channel_delete(actor=admin, channel=ana.channel)
    page = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    assert "messages can no longer be sent" in page and "<textarea" not in page
    before = state()
    response = signed_in.post(f"/conversations/{ana.pk}/messages/", {"text": "Oi"}, **HX)
    assert "messages can no longer be sent" in html(response)
    assert state() == before


def test_sending_an_image_and_a_pdf(signed_in, ana):
    url = f"/conversations/{ana.pk}/messages/"
    photo = SimpleUploadedFile("tela quebrada.png", png_bytes(), content_type="image/png")
    assert signed_in.post(url, {"text": "", "file": photo}, **HX).status_code == 200
    pdf = SimpleUploadedFile("orçamento.pdf", b"%PDF-1.4\n1 0 obj", content_type="application/pdf")
    signed_in.post(url, {"text": "Segue o orçamento", "file": pdf}, **HX)
    image, document = Attachment.objects.order_by("pk")
    assert (image.name, image.content_type, image.size) == (
        "tela quebrada.png",
        "image/png",
        len(png_bytes()),
    )
    assert image.message.text == "" and document.message.text == "Segue o orçamento"
    assert "tela quebrada" not in image.file.name  # stored under a random name
    ana.refresh_from_db()
    assert ana.last_message_preview == "Segue o orçamento"

    page = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    assert f'<img src="/conversations/attachments/{image.pk}/"' in page
    assert f'href="/conversations/attachments/{document.pk}/" download' in page

    shown = signed_in.get(f"/conversations/attachments/{image.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == png_bytes()
    assert "sandbox" in shown["Content-Security-Policy"]
    downloaded = signed_in.get(f"/conversations/attachments/{document.pk}/")
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert "filename" in downloaded["Content-Disposition"]


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("empty.png", b"", "The submitted file is empty."),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "too large"),
        ("setup.png", b"MZ\x90\x00\x03" + bytes(range(256)) * 4, "cannot be sent"),
    ],
)
def test_a_refused_file_changes_nothing(signed_in, ana, name, content, error):
    before = state()
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = signed_in.post(
        f"/conversations/{ana.pk}/messages/", {"text": "Veja", "file": upload}, **HX
    )
    assert response.status_code == 200
    assert error in html(response)
    assert "HX-Trigger" not in response
    assert state() == before


def test_csrf_is_required(client, manager, ana):
    from django.test import Client as HttpClient

    strict = HttpClient(enforce_csrf_checks=True)
    strict.force_login(manager)
    before = state()
    for action in ("messages", "close", "assign", "create-client"):
        response = strict.post(f"/conversations/{ana.pk}/{action}/", {"text": "oi"})
        assert response.status_code == 403, action
    assert state() == before


# --- Close, reopen, assign --------------------------------------------------------------------


def test_close_and_reopen(signed_in, ana):
    response = signed_in.post(f"/conversations/{ana.pk}/close/", **HX)
    page = html(response)
    assert 'data-status="closed"' in page and 'data-action="reopen"' in page
    assert 'id="conversation-panel"' in page and 'hx-swap-oob="true"' in page
    ana.refresh_from_db()
    assert ana.status == "closed"
    again = signed_in.post(f"/conversations/{ana.pk}/reopen/")
    assert again.status_code == 302
    ana.refresh_from_db()
    assert ana.status == "open"
    assert signed_in.get(f"/conversations/{ana.pk}/close/").status_code == 405


def test_assign_to_someone_who_can_see_it(signed_in, ana, make_employee, manager):
    colleague = make_employee("manager", full_name="Rita Colega")
    page = html(signed_in.get(f"/conversations/{ana.pk}/", **HX))
    assert "Rita Colega" in page
    response = signed_in.post(f"/conversations/{ana.pk}/assign/", {"assignee": colleague.pk}, **HX)
    assert "success: Assigned to Rita Colega." in announced(response)
    assert f'data-assignee="{colleague.pk}"' in html(response)
    ana.refresh_from_db()
    assert ana.assignee == colleague
    signed_in.post(f"/conversations/{ana.pk}/assign/", {"assignee": ""}, **HX)
    ana.refresh_from_db()
    assert ana.assignee is None


def test_assign_refuses_who_cannot_see_it(signed_in, admin, manager, make_employee):
    member = make_employee("manager", full_name="Membro Selecionado")
    outsider = make_employee("manager", full_name="Fora Docanal")
    specialist = make_employee("specialist", full_name="Tecnico Semacesso")
    inactive = make_employee("manager", full_name="Ex Funcionario", is_active=False)
    selected = ChannelFactory(
        access=Channel.Access.SELECTED, owner=admin, members=[manager, member]
    )
    conversation = ConversationFactory(channel=selected)
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert "Membro Selecionado" in page and admin.full_name in page  # the owner sees it
    for name in ("Fora Docanal", "Tecnico Semacesso", "Ex Funcionario"):
        assert name not in page
    before = state()
    for person in (outsider, specialist, inactive):
        response = signed_in.post(
            f"/conversations/{conversation.pk}/assign/", {"assignee": person.pk}, **HX
        )
        assert announced(response).startswith("error: ")
    for bad in ("999999", "abc"):
        response = signed_in.post(
            f"/conversations/{conversation.pk}/assign/", {"assignee": bad}, **HX
        )
        assert "Choose an employee" in announced(response)
    assert state() == before


# --- The client: link, create, panel ----------------------------------------------------------


def test_link_to_an_existing_client(signed_in, ana, admin):
    maria = client_create(
        actor=admin,
        data={"kind": "person", "first_name": "Maria", "last_name": "Souza"},
        phones=[PhoneInput(number="+5511987654321")],
    )
    search = f"/conversations/{ana.pk}/client-search/"
    found = html(signed_in.get(search, {"q": "maria sou"}, **HX))
    assert "Maria Souza" in found and f'value="{maria.pk}"' in found
    assert "Maria Souza" in html(signed_in.get(search, {"q": "(11) 98765-4321"}, **HX))
    assert "No client found." in html(signed_in.get(search, {"q": "zzzz"}, **HX))
    assert "Maria Souza" in html(signed_in.get(search, {"q": "mar\x00ia"}, **HX))  # no 500

    before = state()
    for bad in ("", "abc", "999999"):
        response = signed_in.post(f"/conversations/{ana.pk}/link-client/", {"client": bad}, **HX)
        assert "error: Choose a client to link." in announced(response)
    assert state() == before

    response = signed_in.post(f"/conversations/{ana.pk}/link-client/", {"client": maria.pk}, **HX)
    assert "linked to Maria Souza" in announced(response)
    ana.refresh_from_db()
    assert ana.client == maria
    panel = html(response)
    assert f'href="/clients/{maria.pk}/"' in panel and "(11) 98765-4321" in panel


def test_create_a_client_from_the_contact(signed_in, channel):
    conversation = services.conversation_for_contact(
        channel=channel, external_id="tg-1", name="João Contato", phone="11 91234-5678"
    )
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert 'data-action="create-client"' in page
    response = signed_in.post(f"/conversations/{conversation.pk}/create-client/", **HX)
    assert "success: Client João Contato created and linked." in announced(response)
    conversation.refresh_from_db()
    client = conversation.client
    assert client.first_name == "João Contato"
    assert client.phones.get().number == "+5511912345678"
    before = state()
    again = signed_in.post(f"/conversations/{conversation.pk}/create-client/", **HX)
    assert "already has a client" in announced(again)
    assert state() == before


def test_the_client_panel_shows_balance_colour_and_open_orders(signed_in, channel, manager):
    client = ClientFactory(first_name="Paula", last_name="Painel")
    client.phones.create(number="+5511955554444", label="Mobile")
    open_order = order_create(actor=manager, client=client, manager=manager)
    closed_order = order_create(actor=manager, client=client, manager=manager)
    # Free warranty work: a line at R$ 0 (an order with no lines cannot be closed).
    order_item_add(
        actor=manager, order=closed_order, kind="text", title="Warranty check", price=Decimal(0)
    )
    order_close(actor=manager, order=closed_order, settlement="balance")
    conversation = ConversationFactory(channel=channel, client=client)
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    panel = page[page.index('id="conversation-panel"') :]
    assert "Paula Painel" in panel and "(11) 95555-4444" in panel
    assert 'data-balance-state="settled"' in panel  # the closed order charged 0.00
    assert f'data-order="{open_order.number}"' in panel
    assert f'data-order="{closed_order.number}"' not in panel

    Client.objects.filter(pk=client.pk).update(balance=Decimal("120.00"))
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert 'data-balance-state="owes_us"' in page and "balance-receivable" in page
    Client.objects.filter(pk=client.pk).update(balance=Decimal("-5.00"))
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert 'data-balance-state="we_owe"' in page and "balance-payable" in page


def test_open_orders_follow_the_document_scope(client, channel, manager):
    role = Role.objects.create(
        name="Atendente",
        permissions=["clients.view", "communications.conversations", "documents.view_own"],
    )
    attendant = EmployeeFactory(role=role)
    paula = ClientFactory(first_name="Paula")
    theirs = order_create(actor=manager, client=paula, manager=attendant)
    others = order_create(actor=manager, client=paula, manager=manager)
    conversation = ConversationFactory(channel=channel, client=paula)
    client.force_login(attendant)
    page = html(client.get(f"/conversations/{conversation.pk}/", **HX))
    assert f'data-order="{theirs.number}"' in page
    assert f'data-order="{others.number}"' not in page
    assert "data-balance-state" not in page  # no "View balances"


def test_an_invitation_link_until_the_client_joins(signed_in, channel, manager):
    paula = ClientFactory(first_name="Paula")
    conversation = services.conversation_start(actor=manager, channel=channel, client=paula)
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert "data-invite" in page
    assert f"/chat/{channel.public_key}/join/{conversation.invite_token}/" in page
    assert "http://testserver/chat/" in page  # absolute: it is sent to the client
    assert "data-cannot-reach" not in page  # the web chat shows what was written on joining
    services.conversation_join(conversation=conversation, external_id="visitor-x")
    assert "data-invite" not in html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))


def test_telegram_before_the_client_presses_start(signed_in, admin, manager):
    bot = TelegramChannelFactory(owner=admin, name="Bot da loja")
    paula = ClientFactory(first_name="Paula")
    conversation = services.conversation_start(actor=manager, channel=bot, client=paula)
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert f"https://t.me/oficina_test_bot?start={conversation.invite_token}" in page
    assert "Messages cannot reach the client until they open this link" in page
    assert "data-cannot-reach" in page and 'name="text"' not in page
    services.conversation_join(conversation=conversation, external_id="555000")
    page = html(signed_in.get(f"/conversations/{conversation.pk}/", **HX))
    assert "data-invite" not in page and 'name="text"' in page


# --- The client's Conversations section ---------------------------------------------------------


def section(http, client, headers=None, **params):
    url = f"/clients/{client.pk}/communications/"
    return http.get(url, {"section": "conversations", **params}, **(headers or {}))


def test_the_section_empty_state(signed_in):
    paula = ClientFactory(first_name="Paula")
    response = section(signed_in, paula)
    page = html(response)
    assert response.status_code == 200
    assert 'data-section="conversations"' in page
    # Said once, in the list (which the page keeps current), not again beside it.
    assert page.count("No conversations with this client yet.") == 1
    assert page.count("data-empty-state") == 1
    assert re.search(
        r'id="conversation-list".*data-empty-state.*id="conversation-pane"', page, re.S
    )
    assert 'data-action="start-conversation"' in page
    assert "Choose a conversation" not in page


def test_the_section_lists_the_clients_conversations_and_opens_one(signed_in, channel):
    paula, other = ClientFactory(first_name="Paula"), ClientFactory(first_name="Outra")
    first = ConversationFactory(channel=channel, client=paula)
    MessageFactory(conversation=first, text="Olá Paula")
    ConversationFactory(channel=channel, client=other)
    page = html(section(signed_in, paula))
    assert re.findall(r'data-conversation-row="(\d+)"', page) == [str(first.pk)]
    assert f'data-client="{paula.pk}"' in page
    assert f"section=conversations&amp;conversation={first.pk}" in page

    opened = html(section(signed_in, paula, conversation=first.pk))
    assert f'data-conversation="{first.pk}"' in opened and "Olá Paula" in opened
    listed = html(section(signed_in, paula, headers=HX, part="list", page=1))
    assert listed.lstrip().startswith('<div class="conv-list"')
    # Another client's conversation, or nonsense, opens nothing.
    foreign = ConversationFactory(channel=channel, client=other)
    for wanted in (foreign.pk, "abc"):
        page = html(section(signed_in, paula, conversation=wanted))
        assert 'class="conv-view"' not in page


def test_start_a_conversation_from_the_section(signed_in, channel, admin, manager):
    deleted = ChannelFactory(name="Old chat", owner=admin)
    services.channel_delete(actor=admin, channel=deleted)
    private = ChannelFactory(name="Boss line", owner=admin, access=Channel.Access.OWNER)
    paula = ClientFactory(first_name="Paula")
    url = f"/clients/{paula.pk}/conversations/new/"

    form = html(signed_in.get(url, **HX))
    assert "Site chat" in form and "Old chat" not in form and "Boss line" not in form
    assert signed_in.get(url).status_code == 302  # without htmx: the section with the form
    full = html(signed_in.get(f"{signed_in.get(url)['Location']}"))
    assert 'id="conversation-start"' in full

    before = state()
    for bad in (private.pk, deleted.pk, "abc", ""):
        response = signed_in.post(url, {"channel": bad}, **HX)
        assert "Choose a channel you have access to." in html(response) or (
            "Choose the channel to write through." in html(response)
        )
    assert state() == before

    response = signed_in.post(url, {"channel": channel.pk}, **HX)
    conversation = Conversation.objects.get(client=paula)
    assert f'data-conversation="{conversation.pk}"' in html(response)
    assert response["HX-Push-Url"].endswith(f"section=conversations&conversation={conversation.pk}")
    assert "conversations-changed" in response["HX-Trigger"]
    assert conversation.assignee == manager and conversation.channel == channel
    # Starting again on the same channel opens the same conversation.
    plain = signed_in.post(url, {"channel": channel.pk})
    assert plain.status_code == 302 and plain["Location"].endswith(f"={conversation.pk}")
    assert Conversation.objects.filter(client=paula).count() == 1


def test_the_start_form_says_when_there_is_no_channel(signed_in):
    paula = ClientFactory(first_name="Paula")
    page = html(signed_in.get(f"/clients/{paula.pk}/conversations/new/", **HX))
    assert "data-no-channels" in page
