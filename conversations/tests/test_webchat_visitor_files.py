"""A web chat visitor sends a photo, a PDF or a text file with a message: checked by what it
is, shown to employees and back to the visitor, refused clearly with nothing stored."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from conversations import files as chat_files
from conversations.models import Attachment, Conversation, Message
from conversations.views.webchat_common import UPLOAD_BODY_MAX

from .factories import ChannelFactory
from .test_webchat import get_file, messages_url, poll, start, widget_config

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel():
    return ChannelFactory(name="Oficina do Zé")


def send_file(http, channel, name, content, text="", **fields):
    data = {"text": text, "file": SimpleUploadedFile(name, content), **fields}
    return http.post(messages_url(channel), data)  # multipart, as the widget's FormData


def test_a_first_message_with_a_photo_starts_the_conversation(client, channel):
    response = send_file(client, channel, "tela quebrada.PNG", PNG, text="Olha a tela")
    assert response.status_code == 201, response.content
    body = response.json()
    (sent,) = body["message"]["files"]
    assert (sent["name"], sent["image"]) == ("tela quebrada.png", True)
    conversation = Conversation.objects.get()
    assert conversation.external_id == body["token"]
    assert conversation.unread_count == 1
    message = conversation.messages.get()
    assert message.direction == Message.Direction.INCOMING and message.text == "Olha a tela"
    attachment = message.attachments.get()
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    # The visitor sees their own photo, with their token, and nobody else does.
    shown = get_file(client, sent["url"], body["token"])
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    other = start(HttpClient(REMOTE_ADDR="10.0.0.7"), channel)["token"]
    assert get_file(client, sent["url"], other).status_code == 404


def test_a_file_without_text_is_a_message_and_previews_as_the_file_name(client, channel):
    token = start(client, channel)["token"]
    response = send_file(client, channel, "orcamento.pdf", b"%PDF-1.4 fake", token=token)
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    assert conversation.last_message_preview.endswith("orcamento.pdf")
    (listed,) = poll(client, channel, token).json()["messages"][-1]["files"]
    assert (listed["name"], listed["image"]) == ("orcamento.pdf", False)


def test_the_employee_sees_the_visitors_file_in_the_conversation(client, channel, manager):
    token = start(HttpClient(), channel)["token"]
    assert send_file(HttpClient(), channel, "foto.png", PNG, token=token).status_code == 201
    conversation = Conversation.objects.get()
    attachment = Attachment.objects.get()
    client.force_login(manager)
    page = client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert page.status_code == 200
    url = reverse("conversations:attachment", args=[attachment.pk])
    assert url in page.content.decode()
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG


def _executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256))


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("virus.png", _executable(), "This kind of file cannot be sent"),
        (
            "page.txt",
            b"<html>\x00\x01<script>alert(1)</script>",
            "This kind of file cannot be sent",
        ),
        ("broken.jpg", PNG[:30], "This kind of file cannot be sent"),
        ("empty.png", b"", "The file is empty."),
    ],
)
def test_a_refused_file_stores_nothing_and_says_why(client, channel, name, content, error):
    token = start(client, channel)["token"]
    response = send_file(client, channel, name, content, text="veja", token=token)
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert Message.objects.count() == 1  # the first message only: "veja" was not kept either
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_stored(client, channel):
    big = b"a" * (chat_files.MAX_BYTES + 1)
    response = send_file(client, channel, "log.txt", big, text="segue o log")
    assert response.status_code in (400, 413)
    assert "too large" in response.json()["error"]
    assert not Conversation.objects.exists() and not Attachment.objects.exists()


def test_a_body_declared_larger_than_a_file_can_be_is_refused_unread(client, channel):
    response = client.generic(
        "POST",
        messages_url(channel),
        b"--xyz",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(UPLOAD_BODY_MAX + 1),
    )
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not Conversation.objects.exists()


def test_two_files_at_once_are_refused(client, channel):
    response = client.post(
        messages_url(channel),
        {
            "text": "duas fotos",
            "file": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)],
        },
    )
    assert response.status_code == 400
    assert "one file at a time" in response.json()["error"]
    assert not Conversation.objects.exists()


def test_a_file_under_another_field_name_is_refused(client, channel):
    response = client.post(messages_url(channel), {"photo": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_a_multipart_message_with_neither_text_nor_file_is_refused(client, channel):
    response = client.post(messages_url(channel), {"text": "   "})
    assert response.status_code == 400
    assert response.json()["error"] == "Write a message or attach a file."
    assert not Conversation.objects.exists()


def test_a_malformed_multipart_body_is_a_clear_400(client, channel):
    response = client.generic(
        "POST",
        messages_url(channel),
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Conversation.objects.exists()


def test_sending_files_too_fast_from_one_address_is_refused(client, channel, settings):
    settings.OFICINA_WEBCHAT_RATE_FILE = (2, 3600)
    token = start(client, channel)["token"]
    for n in range(2):
        assert send_file(client, channel, f"{n}.png", PNG, token=token).status_code == 201
    refused = send_file(client, channel, "3.png", PNG, token=token)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert Attachment.objects.count() == 2
    # Text still goes through: only files are held back.
    text = client.post(
        messages_url(channel), {"text": "só texto", "token": token}, content_type="application/json"
    )
    assert text.status_code == 201


def test_the_widget_offers_the_file_input_with_the_accepted_types(client, channel):
    response = client.get(reverse("conversations:webchat", args=[channel.public_key]))
    html = response.content.decode()
    assert 'id="chat-file"' in html and f'accept="{chat_files.ACCEPT}"' in html
    config = widget_config(response)
    assert config["fileMax"] == chat_files.MAX_BYTES
    assert "10" in config["strings"]["fileTooLarge"]


def test_a_large_image_is_accepted_up_to_the_limit(client, channel):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 30, 30)).save(buffer, "JPEG", quality=95)
    response = send_file(client, channel, "foto", buffer.getvalue(), text="frente")
    assert response.status_code == 201, response.content
    assert response.json()["message"]["files"][0]["name"] == "foto.jpg"
