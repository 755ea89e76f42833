"""A visitor on a shop's website opens the chat button, writes, and sees the employee's
reply appear without reloading; a client opens the invitation link an employee sent them; a
site the shop did not list cannot show the chat nor get a visitor's token."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client as HttpClient
from playwright.sync_api import expect

from accounts.tests.factories import restore_builtin_roles
from clients.services import client_create
from conversations import services
from conversations.files import MAX_BYTES
from conversations.models import Attachment, Conversation, Message
from conversations.services import IncomingFile
from conversations.tests.factories import ChannelFactory
from conversations.tests.test_webchat import PNG
from conversations.tests.test_webchat_visitor_files import PNG as VALID_PNG

pytestmark = pytest.mark.slow

FRAME_LOAD_MS = 20_000


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    restore_builtin_roles()
    cache.clear()


def off_loop(function, **kwargs):
    """Run a service outside Playwright's event loop: its real-time publishing uses
    async_to_sync, which refuses to run in a thread that has a running loop."""

    def run():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()  # the thread's own connection, not left open

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def channel():
    return ChannelFactory(name="Oficina do Zé")


# Every message a page hears from a frame, for the test to read (window.heard).
LISTEN = (
    "<script>window.heard = []; addEventListener('message', function (e) {"
    " if (e.data && e.data.oficinaChat) window.heard.push(e.data); });</script>"
)


@pytest.fixture
def make_site():
    """A website on another site than Oficina (127.0.0.1 vs localhost), so the widget is a
    cross-site iframe; ``make(body)`` serves ``body`` and gives the site's origin. A real
    loopback server: Chromium refuses a public page loading a script from loopback."""
    servers = []

    def make(body: str) -> str:
        html = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Shop</title></head>"
            f"<body>{LISTEN}{body}</body></html>"
        ).encode()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def snippet(live_server, channel) -> str:
    embed = f"{live_server.url}/chat/{channel.public_key}/embed.js"
    return f'<h1>Zé\'s repairs</h1><script src="{embed}" async></script>'


@pytest.fixture
def shop_site(live_server, channel, make_site):
    """The shop's own website with the embed snippet on its pages, listed on the channel as
    a site allowed to embed the chat."""
    origin = make_site(snippet(live_server, channel))
    channel.allowed_origins = [origin]
    channel.save(update_fields=["allowed_origins"])
    return origin + "/"


def test_a_visitor_writes_from_the_shop_site_and_sees_the_reply(
    page, shop_site, manager, live_server
):
    page.goto(shop_site)
    launcher = page.locator("[data-oficina-chat] button.launcher")
    expect(launcher).to_have_attribute("aria-label", "Chat with us")
    launcher.click()
    chat = page.frame_locator("[data-oficina-chat] iframe")
    # The frame's first load waits for the script, then the widget page: generous under load.
    expect(chat.locator(".chat-title")).to_have_text("Oficina do Zé", timeout=FRAME_LOAD_MS)
    expect(chat.locator("#chat-empty")).to_be_visible()

    # The page's "open" can arrive late (the frame's load event) while the visitor types
    # their name: it must not move their keys into the message box.
    chat.locator("#chat-name").click()
    page.keyboard.type("Ana")
    page.evaluate(
        "(origin) => document.querySelector('[data-oficina-chat]').shadowRoot"
        ".querySelector('iframe').contentWindow.postMessage({oficinaChat: 'open'}, origin)",
        live_server.url,
    )
    page.wait_for_timeout(300)
    page.keyboard.type(" Lima")
    expect(chat.locator("#chat-name")).to_have_value("Ana Lima")
    expect(chat.locator("#chat-text")).to_have_value("")

    chat.locator("#chat-name").fill("Ana Lima")
    unsafe = '<img src=x onerror="parent.pwned=1"> meu celular não liga'
    chat.locator("#chat-text").fill(unsafe)
    chat.locator("#chat-text").press("Enter")
    mine = chat.locator(".chat-msg-mine")
    expect(mine).to_have_count(1)
    expect(mine.locator(".chat-text")).to_have_text(unsafe)  # shown as text, never run
    expect(chat.locator(".chat-log img")).to_have_count(0)
    expect(chat.locator("#chat-name-field")).to_be_hidden()
    expect(chat.locator("#chat-text")).to_have_value("")

    # The conversation is in the shop's inbox for an employee who may see the channel.
    conversation = Conversation.objects.visible_to(manager).get()
    # The shop's page, a listed site, was handed the token to keep.
    heard = page.evaluate("() => window.heard")
    assert {"oficinaChat": "token", "token": conversation.external_id} in heard
    assert conversation.contact_name == "Ana Lima"
    assert conversation.messages.get().text == unsafe
    assert page.evaluate("() => window.pwned") is None

    off_loop(
        services.message_send,
        actor=manager,
        conversation=conversation,
        text="Olá Ana! Traga amanhã: https://ex.am/p",
    )
    theirs = chat.locator(".chat-msg-theirs")
    expect(theirs).to_have_count(1)  # polled in, no reload
    expect(theirs).to_contain_text("Olá Ana! Traga amanhã")
    expect(theirs.locator("a")).to_have_attribute("href", "https://ex.am/p")

    # Closed, the panel still hears replies: the button shows a badge.
    chat.locator("#chat-close").click()
    expect(page.locator("[data-oficina-chat] iframe")).to_be_hidden()
    off_loop(
        services.message_send, actor=manager, conversation=conversation, text="Confirmado para 9h"
    )
    badge = page.locator("[data-oficina-chat] .badge")
    expect(badge).to_have_text("1", timeout=25_000)
    launcher.click()
    expect(badge).to_be_hidden()
    expect(theirs).to_have_count(2)

    # On the next page of the site the chat is still open and still knows the visitor (here
    # through the site's own storage: this browser denies a cross-site frame its storage).
    page.reload()
    expect(page.locator("[data-oficina-chat] iframe")).to_be_visible()
    expect(chat.locator(".chat-msg")).to_have_count(3)
    chat.locator("#chat-text").fill("Obrigada!")
    chat.locator("#chat-send").click()
    expect(chat.locator(".chat-msg-mine")).to_have_count(2)
    assert Conversation.objects.count() == 1
    assert conversation.messages.filter(direction=Message.Direction.INCOMING).count() == 2


def test_a_site_the_shop_did_not_list_shows_nothing_and_the_admin_sees_it(
    page, live_server, channel, make_site, admin
):
    """No broken frame for the visitors of a site not listed: no chat button at all; the
    console tells the site's owner what to add, and the channel's page names the site."""
    channel.allowed_origins = ["https://www.myshop.com.br"]
    channel.save(update_fields=["allowed_origins"])
    site = make_site(snippet(live_server, channel))
    with page.expect_console_message(lambda message: "is not listed" in message.text) as note:
        page.goto(site + "/")
    assert note.value.type == "warning"
    assert site in note.value.text
    assert "Websites allowed to show the chat" in note.value.text
    expect(page.get_by_role("heading", name="Zé's repairs")).to_be_visible()
    expect(page.locator("[data-oficina-chat]")).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(0)
    assert page.evaluate("() => window.heard") == []
    assert not Conversation.objects.exists()

    # The admin opens the channel's settings: the site that tried is named there.
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill("boss")
    page.locator("input[name=password]").fill("boss")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/settings/channels/{channel.pk}/")
    refusals = page.locator("#embed-refusals")
    expect(refusals).to_contain_text(site)
    expect(refusals).to_contain_text("last tried")


def test_a_site_listed_after_the_script_was_cached_shows_the_chat(
    page, live_server, channel, make_site
):
    """The script a browser cached may predate the shop's listing the site: it asks the
    server, which knows, and the chat button appears."""
    site = make_site(snippet(live_server, channel))
    channel.allowed_origins = [site]
    channel.save(update_fields=["allowed_origins"])
    embed = f"{live_server.url}/chat/{channel.public_key}/embed.js"

    def as_cached_before(route):
        response = route.fetch()
        body = response.text().replace(json.dumps([site]), "[]")
        assert site not in body.split("checkUrl")[0]
        route.fulfill(response=response, body=body)

    page.route(embed, as_cached_before)
    page.goto(site + "/")
    launcher = page.locator("[data-oficina-chat] button.launcher")
    expect(launcher).to_be_visible()
    launcher.click()
    chat = page.frame_locator("[data-oficina-chat] iframe")
    expect(chat.locator(".chat-title")).to_have_text("Oficina do Zé", timeout=FRAME_LOAD_MS)
    channel.refresh_from_db()
    assert channel.embed_refusals == []


def test_a_framing_page_not_listed_gets_no_token_and_plants_none(
    page, live_server, channel, make_site
):
    """Even where a browser would frame it anyway (here: the frame policy headers are taken
    off the answer, as for a browser that knows neither), the widget tells a parent page
    that is not listed nothing and adopts no token from it."""
    attacker = HttpClient().post(
        f"/chat/{channel.public_key}/messages/",
        data='{"text": "attacker"}',
        content_type="application/json",
    )
    planted = attacker.json()["token"]
    widget = f"{live_server.url}/chat/{channel.public_key}/"
    site = make_site(
        f'<iframe id="chat" src="{widget}" style="width:400px;height:500px"></iframe><script>'
        "document.getElementById('chat').addEventListener('load', function () {"
        f" this.contentWindow.postMessage({{oficinaChat: 'token', token: '{planted}'}}, '*');"
        "});</script>"
    )

    def without_frame_policy(route):
        response = route.fetch()
        assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-security-policy", "x-frame-options")
        }
        route.fulfill(response=response, headers=headers)

    page.route(widget, without_frame_policy)
    page.goto(site + "/")
    chat = page.frame_locator("#chat")
    # The frame's first load waits for the script, then the widget page: generous under load.
    expect(chat.locator(".chat-title")).to_have_text("Oficina do Zé", timeout=FRAME_LOAD_MS)
    expect(chat.locator("#chat-close")).to_be_hidden()  # nobody to tell
    chat.locator("#chat-text").fill("meu endereço é rua tal")
    chat.locator("#chat-send").click()
    expect(chat.locator(".chat-msg-mine")).to_have_count(1)
    # The planted token was not taken: the visitor's message started their own conversation.
    visitor = Conversation.objects.exclude(external_id=planted).get()
    assert visitor.messages.get().text == "meu endereço é rua tal"
    assert Conversation.objects.get(external_id=planted).messages.count() == 1
    assert page.evaluate("() => window.heard") == []  # and nothing, the token least, was told


def test_an_empty_message_is_not_sent(page, live_server, channel):
    page.goto(f"{live_server.url}/chat/{channel.public_key}/")
    page.locator("#chat-text").fill("   ")
    page.locator("#chat-send").click()
    expect(page.locator("#chat-error")).to_have_text("Write a message or attach a file.")
    assert not Conversation.objects.exists()


def test_a_client_opens_the_invitation_and_continues_the_conversation(
    page, live_server, channel, manager
):
    client = off_loop(client_create, actor=manager, data={"kind": "person", "first_name": "Bia"})
    conversation = off_loop(
        services.conversation_start, actor=manager, channel=channel, client=client
    )
    off_loop(
        services.message_send,
        actor=manager,
        conversation=conversation,
        text="Seu orçamento: R$ 250",
    )
    base = live_server.url

    page.goto(f"{base}/chat/{channel.public_key}/join/{conversation.invite_token}/")
    expect(page.locator("#chat-form")).to_be_hidden()
    page.locator("#chat-join-button").click()
    expect(page.locator(".chat-msg-theirs")).to_have_text(re.compile("Seu orçamento: R\\$ 250"))
    expect(page).to_have_url(f"{base}/chat/{channel.public_key}/")
    conversation.refresh_from_db()
    assert conversation.external_id

    page.locator("#chat-text").fill("Pode fazer!")
    page.locator("#chat-send").click()
    expect(page.locator(".chat-msg-mine")).to_have_count(1)
    assert conversation.messages.filter(direction=Message.Direction.INCOMING).get().text == (
        "Pode fazer!"
    )

    page.reload()  # the widget, not the used invitation
    expect(page.locator(".chat-msg")).to_have_count(2)

    # Files come with the token in a header, never in an address: an image shows from
    # memory, a document downloads under its name.
    off_loop(
        services.message_send,
        actor=manager,
        conversation=conversation,
        text="Foto e orçamento",
        files=[
            IncomingFile(name="foto.png", content_type="image/png", content=PNG),
            IncomingFile(name="orcamento.pdf", content_type="application/pdf", content=b"%PDF-1"),
        ],
    )
    image = page.locator(".chat-msg-theirs img")
    expect(image).to_have_attribute("src", re.compile("^blob:"))
    expect(image).to_have_attribute("alt", "foto.png")
    assert image.evaluate("(img) => img.complete && img.naturalWidth") == 1
    assert conversation.external_id not in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="orcamento.pdf").click()
    assert download.value.suggested_filename == "orcamento.pdf"
    assert Path(download.value.path()).read_bytes() == b"%PDF-1"

    # Someone else opening the same link is told it was used.
    other = page.context.browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{base}/chat/{channel.public_key}/join/{conversation.invite_token}/")
        expect(stranger.locator("#chat-unavailable")).to_contain_text("already used")
    finally:
        other.close()


def test_a_visitor_attaches_a_photo_and_sees_it_in_the_chat(page, live_server, channel):
    page.goto(f"{live_server.url}/chat/{channel.public_key}/")
    with page.expect_file_chooser() as chooser:
        page.locator("#chat-attach").click()
    chooser.value.set_files(
        files=[{"name": "tela quebrada.png", "mimeType": "image/png", "buffer": VALID_PNG}]
    )
    expect(page.locator("#chat-attachment-name")).to_have_text("tela quebrada.png")
    page.locator("#chat-text").fill("A tela quebrou assim")
    page.locator("#chat-send").click()

    mine = page.locator(".chat-msg-mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("A tela quebrou assim")
    expect(mine.locator("img")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(page.locator("#chat-attachment")).to_be_hidden()
    attachment = Attachment.objects.get()
    assert attachment.message.text == "A tela quebrou assim"
    assert (attachment.name, attachment.content_type) == ("tela quebrada.png", "image/png")

    # Too large: refused in the browser, nothing uploaded.
    page.locator("#chat-file").set_input_files(
        files=[{"name": "big.txt", "mimeType": "text/plain", "buffer": b"a" * (MAX_BYTES + 1)}]
    )
    expect(page.locator("#chat-error")).to_contain_text("too large")
    expect(page.locator("#chat-attachment")).to_be_hidden()

    # Not what it claims to be: the server's reason is shown, the file stays to be removed.
    page.locator("#chat-file").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00" * 64}]
    )
    page.locator("#chat-send").click()
    expect(page.locator("#chat-error")).to_contain_text("This kind of file cannot be sent")
    expect(page.locator("#chat-attachment-name")).to_have_text("foto.png")
    page.locator("#chat-attachment-remove").click()
    expect(page.locator("#chat-attachment")).to_be_hidden()
    assert Attachment.objects.count() == 1
    assert Message.objects.count() == 1
