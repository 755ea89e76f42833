"""A manager sends an SMS from a client's Communications tab, watches the segment counter
update while typing, and sees the row turn Delivered without reloading once the provider
reports it, in a browser."""

import hashlib
import hmac
import json
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory, ClientPhoneFactory
from jobs.testing import run_tasks
from sms.models import SmsMessage, SmsStatus

pytestmark = pytest.mark.slow
SECRET = "browser-secret"


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    restore_builtin_roles()


@pytest.fixture
def beatriz(manager, settings):
    settings.OFICINA_SMS_BACKEND = "outbox"
    settings.OFICINA_SMS_WEBHOOK_SECRET = SECRET
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    ClientPhoneFactory(client=client, number="+5511987654321", notify=True)
    return client


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Login or email").fill("mgr")
    page.get_by_label("Password").fill("mgr")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/clients/")


def test_send_an_sms_and_see_it_delivered(page, live_server, beatriz):
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/clients/{beatriz.pk}/")
    page.locator(f"#profile-tabs a[href='/clients/{beatriz.pk}/communications/']").click()
    page.locator("a[data-section='sms']").click()
    expect(page.locator("#section-content")).to_contain_text("No SMS yet.")

    page.locator("[data-action='send-sms']").click()
    text = page.locator("#sms-text")
    # Short: one segment with its accents, so they are kept.
    text.press_sequentially("Olá, seu pedido está pronto")
    counter = page.locator("#sms-counter")
    hint = counter.locator("[data-simplified-hint]")
    expect(counter).to_have_attribute("data-encoding", "UCS-2")
    expect(counter).to_have_attribute("data-segments", "1")
    expect(hint).to_have_count(0)
    # Longer than 70: simplifying the accents keeps it in one GSM-7 segment, and says so.
    text.press_sequentially(" para retirada na loja da Rua Augusta, até às 18h de amanhã.")
    expect(counter).to_have_attribute("data-encoding", "GSM-7")
    expect(counter).to_have_attribute("data-segments", "1")
    expect(hint).to_contain_text("1 segment instead of 2")
    # An emoji makes it UCS-2 anyway: the accents stay, and the hint goes.
    text.press_sequentially(" 😀")
    expect(counter).to_have_attribute("data-encoding", "UCS-2")
    expect(counter).to_have_attribute("data-simplified", "false")
    expect(hint).to_have_count(0)
    page.locator("[data-action='send']").click()

    row = page.locator("tr[data-sms]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("In process")
    expect(page.locator("#section-content")).to_contain_text("queued")

    message = SmsMessage.objects.get()
    assert message.text == (
        "Olá, seu pedido está pronto para retirada na loja da Rua Augusta, até às 18h de amanhã. 😀"
    )
    assert run_tasks() == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    expect(row).to_contain_text("Sent")

    body = json.dumps({"id": message.provider_id, "status": "delivered"}).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = page.request.post(
        f"{base}/hooks/sms/generic/",
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )
    assert response.status == 200
    expect(page.locator("tr[data-sms]")).to_contain_text("Delivered")
    expect(page.locator("tr[data-sms]")).to_have_attribute("data-status", "delivered")
    assert re.search(rf"/clients/{beatriz.pk}/", page.url)


def test_a_stale_empty_message_error_goes_when_typing_starts(page, live_server, beatriz):
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/clients/{beatriz.pk}/communications/?section=sms")
    page.locator("[data-action='send-sms']").click()
    form = page.locator("#sms-form")
    # htmx binds the new form's triggers when the swap settles (it drops "htmx-added" then):
    # a key pressed before that reaches a textarea that htmx does not listen to yet.
    settled = re.compile(r"^(?!.*\bhtmx-(added|settling)\b)")
    expect(form).to_have_class(settled)
    page.locator("[data-action='send']").click()
    error = page.locator("#sms-counter [data-text-error]")
    expect(error).to_have_text("Write the message: it is empty.")
    expect(form).to_have_class(settled)
    page.locator("#sms-text").press("O")
    expect(error).to_have_count(0)
    expect(page.locator("#sms-counter")).to_have_attribute("data-segments", "1")
    assert not SmsMessage.objects.exists()
