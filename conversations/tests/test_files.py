"""Files sent with a message are judged by their content: images Pillow reads whole, PDFs,
plain text; nothing else, nothing empty, nothing over 10 MB; the name is cleaned."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conversations import files


def image_bytes(fmt: str, size=(8, 6), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 1).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        files.check_upload(upload(name, content))
    return " ".join(caught.value.message_dict["file"])


@pytest.mark.parametrize(
    "fmt, name, content_type, stored",
    [
        ("JPEG", "photo.jpg", "image/jpeg", "photo.jpg"),
        ("PNG", "screen.PNG", "image/png", "screen.png"),
        ("WEBP", "sticker.webp", "image/webp", "sticker.webp"),
        ("GIF", "anim.gif", "image/gif", "anim.gif"),
        ("PNG", "renamed.jpg", "image/png", "renamed.png"),
        ("JPEG", "no extension", "image/jpeg", "no extension.jpg"),
    ],
)
def test_images_are_accepted_by_content(fmt, name, content_type, stored):
    checked = files.check_upload(upload(name, image_bytes(fmt)))
    assert checked.content_type == content_type
    assert checked.name == stored
    assert checked.content == image_bytes(fmt)


def test_a_pdf_and_plain_text_are_accepted():
    pdf = files.check_upload(upload("Orçamento março.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"))
    assert (pdf.content_type, pdf.name) == ("application/pdf", "Orçamento março.pdf")
    text = files.check_upload(upload("notes.txt", "Tela trincada\r\n\tbateria ok ✓".encode()))
    assert (text.content_type, text.name) == ("text/plain", "notes.txt")
    # Text is served as text whatever it was called: an .html name cannot make it a page.
    page = files.check_upload(upload("page.html", b"<script>alert(1)</script>"))
    assert (page.content_type, page.name) == ("text/plain", "page.txt")


def test_an_empty_file_is_refused():
    assert "empty" in refusal("empty.png", b"")


def test_a_file_over_10_mb_is_refused():
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    assert "too large" in refusal("big.pdf", big)


def test_exactly_10_mb_is_accepted():
    content = b"%PDF-1.4\n" + b"0" * (files.MAX_BYTES - 9)
    assert len(content) == files.MAX_BYTES
    assert files.check_upload(upload("max.pdf", content)).content_type == "application/pdf"


@pytest.mark.parametrize(
    "name, content",
    [
        ("setup.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64),
        ("archive.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))),
        ("broken.png", image_bytes("PNG")[:40]),
        ("image.bmp", image_bytes("BMP")),
        ("latin1.txt", "ação".encode("latin-1") + b"\x00\x01"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>\x00'),
    ],
)
def test_other_kinds_of_file_are_refused(name, content):
    assert "cannot be sent" in refusal(name, content)


def test_an_image_with_too_many_pixels_is_refused():
    bomb = image_bytes("PNG", size=(8000, 6000), mode="1")
    assert len(bomb) < files.MAX_BYTES
    assert "too many pixels" in refusal("bomb.png", bomb)


@pytest.mark.parametrize(
    "given, extensions, expected",
    [
        ("../../etc/passwd", files.TEXT[1], "passwd.txt"),
        ("C:\\Users\\ana\\Desktop\\foto.JPG", (".jpg", ".jpeg"), "foto.jpg"),
        ('<img src=x onerror="alert(1)">.png', (".png",), "img src=x onerror=alert(1).png"),
        ("line\nbreak\x00name.pdf", (".pdf",), "linebreakname.pdf"),
        ("...", (".pdf",), "file.pdf"),
        ("   ", (".png",), "file.png"),
        ("a" * 300 + ".pdf", (".pdf",), "a" * 116 + ".pdf"),
        ("report.final", files.TEXT[1], "report.txt"),
    ],
)
def test_names_are_cleaned(given, extensions, expected):
    assert files.clean_name(given, extensions) == expected
