"""Photos, documents and voice notes users send: the message is stored at once, the file is
fetched in the background (getFile, then the file URL), size- and type-checked."""

import io

import pytest
from PIL import Image

from conversations.models import Attachment, Conversation, Message
from conversations.telegram.api import BotAPI, FileTooLarge, TelegramError
from conversations.telegram.media import clean_name, detect, safe_name
from jobs.models import TaskFailure
from jobs.testing import queued, run_tasks

from . import fake_telegram as tg
from .factories import TelegramChannelFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OGG = b"OggS\x00\x02" + b"\x00" * 60


def jpeg(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def telegram(settings):
    yield from tg.serve(settings)


@pytest.fixture
def channel(telegram):
    return TelegramChannelFactory(
        credentials={"bot_token": tg.TOKEN},
        details={"username": tg.BOT["username"], "bot_id": tg.BOT["id"]},
    )


@pytest.fixture
def post(client, channel, django_capture_on_commit_callbacks):
    def deliver(payload):
        with django_capture_on_commit_callbacks(execute=True):
            answer = tg.post_update(client, channel, payload)
        assert answer.status_code == 200
        return answer

    return deliver


def test_a_photo_is_stored_at_once_and_fetched_in_the_background(telegram, post):
    picture = jpeg()
    telegram.add_file("AgACAgEAAxkBAAIBZ", picture, "photos/file_12.jpg")
    post(tg.photo_update("AgACAgEAAxkBAAIBZ", len(picture), caption="A tela quebrou"))
    message = Message.objects.get()
    assert message.text == "A tela quebrou" and message.attachments.count() == 0
    assert len(queued()) == 1 and telegram.requests == []  # nothing asked during the webhook
    assert run_tasks() == 1
    assert [r["method"] for r in telegram.requests] == ["getFile", "file"]
    assert telegram.requests[0]["params"] == {"file_id": "AgACAgEAAxkBAAIBZ"}  # the largest
    attachment = Attachment.objects.get()
    assert attachment.message == message
    assert attachment.content_type == "image/jpeg" and attachment.size == len(picture)
    assert attachment.name == f"photo-{message.external_id}.jpg"
    with attachment.file.open("rb") as stored:
        assert stored.read() == picture
    message.refresh_from_db()
    assert message.error == ""


def test_a_photo_without_caption_is_kept_and_previewed(telegram, post):
    telegram.add_file("AgACx", jpeg(), "photos/file_13.jpg")
    post(tg.photo_update("AgACx", 900))
    message = Message.objects.get()
    assert message.text == ""
    assert Conversation.objects.get().last_message_preview == "📎 Photo"
    run_tasks()
    assert message.attachments.count() == 1


def test_a_document_keeps_its_name(telegram, post):
    telegram.add_file("BQACdoc1", PDF, "documents/file_7.pdf")
    post(tg.document_update("BQACdoc1", "Nota fiscal <1>.pdf", "application/pdf", len(PDF)))
    assert Conversation.objects.get().last_message_preview == "📎 Nota fiscal <1>.pdf"
    run_tasks()
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == ("Nota fiscal 1.pdf", "application/pdf")


def test_a_voice_note_is_kept_as_audio(telegram, post):
    telegram.add_file("AwACvoice", OGG, "voice/file_3.oga")
    payload = tg.update(
        voice={
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_id": "AwACvoice",
            "file_unique_id": "AgADv",
            "file_size": len(OGG),
        }
    )
    post(payload)
    run_tasks()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "audio/ogg" and attachment.name.endswith(".ogg")


def test_a_file_over_the_limit_as_declared_is_not_fetched(telegram, post, settings):
    settings.OFICINA_TELEGRAM_FILE_MAX_BYTES = 1000
    post(tg.document_update("BQACbig", "manual.pdf", "application/pdf", 5_000_000))
    message = Message.objects.get()
    assert "larger than" in message.error
    assert not queued() and Attachment.objects.count() == 0


def test_a_file_over_the_limit_when_downloaded_is_refused(telegram, post, settings):
    settings.OFICINA_TELEGRAM_FILE_MAX_BYTES = 1000
    telegram.add_file("BQAClies", PDF + b"0" * 5000, "documents/file_8.pdf")
    # The update claims a small file; getFile and the download tell the truth.
    post(tg.document_update("BQAClies", "small.pdf", "application/pdf", 10))
    run_tasks(include_delayed=True)
    message = Message.objects.get()
    assert "larger than" in message.error and Attachment.objects.count() == 0
    assert TaskFailure.objects.get().final


def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused(telegram, post):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    telegram.add_file("BQACexe", program, "documents/file_9.jpg")
    post(tg.document_update("BQACexe", "photo.jpg", "image/jpeg", len(program)))
    run_tasks(include_delayed=True)
    message = Message.objects.get()
    assert "not kept" in message.error and Attachment.objects.count() == 0
    assert TaskFailure.objects.get().final  # not retried


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b'<svg xmlns="http://www.w3.org/2000/svg"/>'],
)
def test_markup_claiming_to_be_an_image_is_kept_only_as_text(telegram, post, content):
    telegram.add_file("BQACbad", content, "documents/file_10.jpg")
    post(tg.document_update("BQACbad", "photo.jpg", "image/jpeg", len(content)))
    run_tasks(include_delayed=True)
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.name) == ("text/plain", "photo.txt")
    assert not attachment.is_image


def test_a_file_telegram_no_longer_has_gives_up_with_its_description(telegram, post):
    post(tg.document_update("BQACgone", "old.pdf", "application/pdf", 100))
    run_tasks(include_delayed=True)
    message = Message.objects.get()
    assert "Bad Request: invalid file_id" in message.error
    assert len(telegram.calls("getFile")) == 1


def test_429_on_getfile_waits_then_fetches(telegram, post):
    telegram.add_file("BQACslow", PDF, "documents/file_11.pdf")
    telegram.fail("getFile", 429, "Too Many Requests: retry after 3", retry_after=3)
    post(tg.document_update("BQACslow", "a.pdf", "application/pdf", len(PDF)))
    assert run_tasks() == 1
    (waiting,) = queued(include_delayed=True)
    assert 2 <= (waiting.run_after - waiting.enqueued_at).total_seconds() <= 4
    assert run_tasks(include_delayed=True) == 1
    assert Attachment.objects.count() == 1 and Message.objects.get().error == ""


def test_a_replayed_photo_update_fetches_once(telegram, post, client, channel):
    telegram.add_file("AgACrep", jpeg(), "photos/file_14.jpg")
    payload = tg.photo_update("AgACrep", 900)
    post(payload)
    post(payload)
    assert run_tasks() == 1
    assert Attachment.objects.count() == 1 and Message.objects.count() == 1


def test_a_fetch_that_runs_twice_attaches_once(telegram, post):
    from conversations.telegram.tasks import telegram_file_fetch

    telegram.add_file("AgACtwice", jpeg(), "photos/file_15.jpg")
    post(tg.photo_update("AgACtwice", 900))
    message = Message.objects.get()
    run_tasks()
    telegram_file_fetch.run_now(message.pk, "photo", "AgACtwice", "")
    assert Attachment.objects.count() == 1


def test_the_file_download_url_never_reaches_stored_errors(telegram, post):
    telegram.add_file("BQACpath", PDF, "documents/file_16.pdf")
    telegram.gone.add("documents/file_16.pdf")  # getFile answers, the download is 404
    post(tg.document_update("BQACpath", "a.pdf", "application/pdf", len(PDF)))
    run_tasks(include_delayed=True)
    message = Message.objects.get()
    assert "Not Found" in message.error
    errors = [message.error, *TaskFailure.objects.values_list("error", flat=True)]
    assert all(tg.TOKEN.split(":")[1] not in error for error in errors)


def test_a_download_stops_once_over_the_limit(telegram):
    telegram.add_file("BQACx", b"%PDF-" + b"0" * 5000, "documents/x.pdf")
    into = io.BytesIO()
    with pytest.raises(FileTooLarge):
        BotAPI(tg.TOKEN).download("documents/x.pdf", into, limit=1000)
    assert len(into.getvalue()) <= 1000


@pytest.mark.parametrize("path", ["", "/etc/passwd", "documents/../../x"])
def test_a_strange_file_path_is_not_fetched(telegram, path):
    with pytest.raises(TelegramError):
        BotAPI(tg.TOKEN).download(path, io.BytesIO(), limit=1000)
    assert telegram.requests == []


def test_what_is_kept_and_how_it_is_named():
    assert detect(jpeg()) == ("image/jpeg", (".jpg", ".jpeg"))
    assert detect(PDF)[0] == "application/pdf"
    assert detect(OGG)[0] == "audio/ogg"
    assert detect(b"\x00\x00\x00\x18ftypmp42\x00\x00")[0] == "video/mp4"
    assert detect(b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01") is None
    assert detect(b"MZ\x90\x00\x03\x00") is None
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("a\x00b\nc.pdf") == "abc.pdf"
    assert clean_name("nota.pdf", (".pdf",), "file") == "nota.pdf"
    assert clean_name("photo.jpeg", (".jpg", ".jpeg"), "file") == "photo.jpeg"
    assert clean_name("fake.pdf", (".png",), "file") == "fake.png"
    assert clean_name("", (".ogg",), "voice-7") == "voice-7.ogg"
    assert len(clean_name("x" * 500 + ".pdf", (".pdf",), "file")) <= 200
