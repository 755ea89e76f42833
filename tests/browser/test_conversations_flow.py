"""Conversations in real time, in three browsers on the ASGI server: employee A writes, B sees
the message appear without reloading within a second; closing in one closes in the other; an
employee the channel does not admit never sees any of it (empty inbox, 404, no events). A
browser whose WebSocket drops reconnects and fetches what it missed."""

import re
import time
from datetime import timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from clients.tests.factories import ClientFactory
from conversations import realtime, services
from conversations.models import Channel, Conversation
from conversations.tests.factories import ChannelFactory, ConversationFactory, MessageFactory
from jobs.testing import run_tasks

pytestmark = pytest.mark.slow
LIVE = 1_000  # ms: what "in real time" promises


@pytest.fixture(autouse=True)
def builtin_rows(asgi_live_server, settings, tmp_path):
    """The server needs committed data: the built-in roles the last test's flush removed."""
    restore_builtin_roles()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people():
    boss = EmployeeFactory(role_code="admin", login="boss", full_name="Bia Boss")
    alice = EmployeeFactory(role_code="manager", login="alice", full_name="Alice Atendente")
    bruno = EmployeeFactory(role_code="manager", login="bruno", full_name="Bruno Balcão")
    # A manager with conversation access whom this channel does not admit.
    carla = EmployeeFactory(role_code="manager", login="carla", full_name="Carla Caixa")
    return {"boss": boss, "alice": alice, "bruno": bruno, "carla": carla}


@pytest.fixture
def conversation(people):
    channel = ChannelFactory(
        name="Chat do site",
        owner=people["boss"],
        access=Channel.Access.SELECTED,
        members=[people["alice"], people["bruno"]],
    )
    conversation = ConversationFactory(
        channel=channel, contact_name="Visitante Site", external_id="site-visitor"
    )
    MessageFactory(conversation=conversation, text="Oi, meu notebook não liga")
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_preview="Oi, meu notebook não liga", unread_count=1
    )
    return conversation


def sign_in(page: Page, base_url: str, login: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill(login)
    page.get_by_label("Password").fill(login)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def live(page: Page):
    return page.locator("[data-conversations-live]")


def send(page: Page, text: str) -> float:
    page.locator("#conversation-text").fill(text)
    started = time.monotonic()
    page.locator("[data-action='send-message']").click()
    return started


def test_two_browsers_see_each_other_and_a_third_sees_nothing(
    asgi_live_server, new_page, conversation, people
):
    base = asgi_live_server.url
    a, b, c = new_page(), new_page(), new_page()
    for page, login in ((a, "alice"), (b, "bruno"), (c, "carla")):
        sign_in(page, base, login)
    frames_for_c = []
    c.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames_for_c.append(frame)))

    row = f'[data-conversation-row="{conversation.pk}"]'
    a.goto(f"{base}/conversations/{conversation.pk}/")
    b.goto(f"{base}/conversations/")
    expect(b.locator(row)).to_contain_text("Oi, meu notebook não liga")
    b.locator(f"{row} a").click()
    expect(b.locator("#conversation-messages")).to_contain_text("Oi, meu notebook não liga")
    expect(b).to_have_url(f"{base}/conversations/{conversation.pk}/")
    c.goto(f"{base}/conversations/")
    expect(c.locator(".conv-rows")).to_contain_text("No conversations.")
    for page in (a, b, c):
        expect(live(page)).to_have_attribute("data-realtime-state", "connected")

    # A visitor writes in another conversation: in B's inbox it moves up, one unread.
    other = ConversationFactory(
        channel=conversation.channel,
        contact_name="Outro Visitante",
        last_activity_at=timezone.now() - timedelta(days=1),
    )
    b.reload()
    expect(live(b)).to_have_attribute("data-realtime-state", "connected")
    expect(b.locator("[data-conversation-row]").first).to_have_attribute(
        "data-conversation-row", str(conversation.pk)
    )
    services.message_receive(conversation=other, text="Vocês consertam tablet?")
    first_row = b.locator("[data-conversation-row]").first
    expect(first_row).to_have_attribute("data-conversation-row", str(other.pk), timeout=LIVE)
    expect(first_row).to_contain_text("Vocês consertam tablet?")
    expect(first_row.locator("[data-unread-badge]")).to_have_text("1")
    expect(b.locator("#conversation-messages")).not_to_contain_text("tablet")

    # A writes; B sees it without reloading, within a second, in the history and the list.
    started = send(a, "Olá! O orçamento ficou em R$ 350,00 <b>sem</b> peças")
    message = b.locator("#conversation-messages .conv-msg-out")
    expect(message).to_contain_text(
        "Olá! O orçamento ficou em R$ 350,00 <b>sem</b> peças", timeout=LIVE
    )
    seen_after = time.monotonic() - started
    expect(message).to_contain_text("Alice Atendente")
    expect(b.locator(row)).to_contain_text("Olá! O orçamento", timeout=LIVE)
    expect(b.locator(row)).to_contain_text("Alice Atendente")  # the first reply assigned her
    expect(a.locator("#conversation-messages .conv-msg-out")).to_have_count(1)
    expect(a.locator("#conversation-text")).to_have_value("")
    assert b.locator("#conversation-messages b").count() == 0  # shown as text, never as HTML
    assert seen_after < 1.0, seen_after

    # Closing in A closes in B: its header and its list of open conversations.
    a.locator("[data-action='close']").click()
    expect(a.locator("#conversation-header")).to_have_attribute("data-status", "closed")
    expect(b.locator("#conversation-header")).to_have_attribute(
        "data-status", "closed", timeout=LIVE
    )
    expect(b.locator("[data-action='reopen']")).to_be_visible()
    expect(b.locator(row)).to_have_count(0, timeout=LIVE)

    # Reopening and assigning in B reach A.
    b.locator("[data-action='reopen']").click()
    expect(a.locator("#conversation-header")).to_have_attribute("data-status", "open", timeout=LIVE)
    b.locator("#conversation-header select[name=assignee]").select_option(str(people["bruno"].pk))
    expect(a.locator("#conversation-header")).to_have_attribute(
        "data-assignee", str(people["bruno"].pk), timeout=LIVE
    )
    expect(a.locator(row)).to_contain_text("Bruno Balcão", timeout=LIVE)

    # B answers too; A sees it.
    send(b, "Pode trazer amanhã às 9h")
    expect(a.locator("#conversation-messages")).to_contain_text(
        "Pode trazer amanhã às 9h", timeout=LIVE
    )

    # Carla never saw any of it: an empty inbox, a 404, not one event on her socket.
    expect(c.locator(".conv-rows [data-conversation-row]")).to_have_count(0)
    response = c.goto(f"{base}/conversations/{conversation.pk}/")
    assert response.status == 404
    assert not [f for f in frames_for_c if '"conversation"' in str(f)], frames_for_c


def test_delivery_status_moves_on_in_every_browser_without_a_reload(
    asgi_live_server, new_page, people
):
    """Sending → Sent → Delivered in both employees' browsers. The worker (manage.py
    db_worker) is another process: with the in-process channel layer its event never reaches
    the server's sockets, so the pages notice "Sent" by looking again themselves. The
    visitor opening the invitation is a request to the server: its event arrives at once."""
    base = asgi_live_server.url
    channel = ChannelFactory(
        name="Chat do site",
        owner=people["boss"],
        access=Channel.Access.SELECTED,
        members=[people["alice"], people["bruno"]],
    )
    paula = ClientFactory(first_name="Paula", last_name="Souza")
    invited = services.conversation_start(actor=people["alice"], channel=channel, client=paula)
    a, b = new_page(), new_page()
    sign_in(a, base, "alice")
    sign_in(b, base, "bruno")
    for page in (a, b):
        page.goto(f"{base}/conversations/{invited.pk}/")
        expect(live(page)).to_have_attribute("data-realtime-state", "connected")

    send(a, "Seu orçamento está pronto")
    reply = {page: page.locator("#conversation-messages .conv-msg-out") for page in (a, b)}
    for page in (a, b):
        expect(reply[page]).to_have_attribute("data-delivery", "pending")
        expect(reply[page].locator("[data-delivery-label]")).to_have_text("Sending")

    # The worker hands it over (only stored: nobody opened the invitation yet). Its event is
    # lost, as it is between two processes without Redis.
    bridged = realtime._send
    realtime._send = lambda event: None
    try:
        assert run_tasks() == 1
    finally:
        realtime._send = bridged
    for page in (a, b):
        expect(reply[page]).to_have_attribute("data-delivery", "sent", timeout=6_000)
        expect(reply[page].locator("[data-delivery-label]")).to_have_text("Sent")

    # The client opens the invitation: the widget fetches the reply, which is delivered.
    invite = reverse(
        "conversations:webchat_invite", args=[channel.public_key, invited.invite_token]
    )
    joined = requests.post(base + invite, json={}, timeout=10)
    assert joined.status_code == 200, joined.text
    assert [m["text"] for m in joined.json()["messages"]] == ["Seu orçamento está pronto"]
    # Pages look again only at messages still sending: "Delivered" comes with the event.
    for page in (a, b):
        expect(reply[page]).to_have_attribute("data-delivery", "delivered", timeout=3 * LIVE)
        expect(reply[page].locator("[data-delivery-label]")).to_have_text("Delivered")
    assert b.locator("#conversation-messages .conv-msg-out").count() == 1


def test_a_dropped_websocket_reconnects_and_fetches_what_it_missed(
    asgi_live_server, new_page, conversation
):
    base = asgi_live_server.url
    a, b = new_page(), new_page()
    sign_in(a, base, "alice")
    sign_in(b, base, "bruno")
    routes, blocked = [], {"now": False}

    def through_playwright(ws):
        if blocked["now"]:
            ws.close()  # the server is "unreachable": B keeps trying
            return
        ws.connect_to_server()
        routes.append(ws)

    b.route_web_socket("**/ws/conversations/", through_playwright)
    url = f"{base}/conversations/{conversation.pk}/"
    a.goto(url)
    b.goto(url)
    expect(live(a)).to_have_attribute("data-realtime-state", "connected")
    expect(live(b)).to_have_attribute("data-realtime-state", "connected")

    blocked["now"] = True
    routes[-1].close()
    expect(live(b)).to_have_attribute("data-realtime-state", "reconnecting")
    send(a, "Enviado enquanto B estava sem conexão")
    expect(a.locator("#conversation-messages")).to_contain_text("sem conexão")
    a.locator("[data-action='close']").click()
    expect(a.locator("#conversation-header")).to_have_attribute("data-status", "closed")
    b.wait_for_timeout(700)
    expect(b.locator("#conversation-messages")).not_to_contain_text("sem conexão")

    blocked["now"] = False
    expect(live(b)).to_have_attribute("data-realtime-state", "connected", timeout=20_000)
    expect(b.locator("#conversation-messages")).to_contain_text("sem conexão")
    expect(b.locator("#conversation-header")).to_have_attribute("data-status", "closed")
    # And it is live again.
    a.locator("[data-action='reopen']").click()
    expect(b.locator("#conversation-header")).to_have_attribute("data-status", "open", timeout=LIVE)


def test_start_from_the_client_and_link_a_visitor_to_a_client(
    asgi_live_server, new_page, conversation
):
    base = asgi_live_server.url
    paula = ClientFactory(first_name="Paula", last_name="Souza")
    paula.phones.create(number="+5511987654321", label="Mobile")
    page = new_page()
    sign_in(page, base, "alice")

    # The client's Communications tab → Conversations: empty, then "+ Conversation".
    page.goto(f"{base}/clients/{paula.pk}/")
    page.locator(f"#profile-tabs a[href='/clients/{paula.pk}/communications/']").click()
    page.locator("a[data-section='conversations']").click()
    expect(page.locator("[data-empty-state]")).to_contain_text("No conversations with this client")
    expect(live(page)).to_have_attribute("data-realtime-state", "connected")
    page.locator("[data-action='start-conversation']").click()
    # The channel admits selected employees only: it is offered, marked private, not chosen.
    channel_select = page.locator("#conversation-start-channel")
    expect(channel_select).to_have_value("")
    channel_select.select_option(label="Chat do site · Web chat · private")
    page.locator("[data-action='start']").click()
    expect(page.locator(".conv-view")).to_be_visible()
    expect(page).to_have_url(re.compile(r"section=conversations&conversation=\d+$"))
    expect(page.locator("[data-invite] input")).to_have_value(re.compile(r"/chat/.+/join/"))
    expect(page.locator("[data-conversation-row]")).to_have_count(1)
    send(page, "Seu aparelho está pronto")
    expect(page.locator("#conversation-messages")).to_contain_text("Seu aparelho está pronto")
    expect(page.locator("#conversation-panel")).to_contain_text("(11) 98765-4321")

    # In the inbox, the visitor's conversation is linked to Paula.
    page.goto(f"{base}/conversations/{conversation.pk}/")
    expect(page.locator("#conversation-panel")).to_contain_text("Not linked to a client yet.")
    page.locator("#conversation-panel input[name=q]").fill("Souza")
    page.locator(f"[data-action='link-client'][data-client='{paula.pk}']").click()
    expect(page.locator("#conversation-panel [data-client-link]")).to_have_text("Paula Souza")
    expect(page.locator("#messages")).to_contain_text("linked to Paula Souza")
    expect(page.locator(f'[data-conversation-row="{conversation.pk}"]')).to_contain_text(
        "Paula Souza"
    )
