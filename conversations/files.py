"""Files sent with a message: checked by what they are, not by what they are called.

A file is accepted when it is at most ``MAX_BYTES`` and its content is one of: a JPEG, PNG,
WebP or GIF image that Pillow reads whole, a PDF (``%PDF-`` header), or plain UTF-8 text. An
executable renamed ``.png`` or an HTML page renamed ``.txt`` with binary bytes is refused.
The name the sender chose is kept only for display and downloads, cleaned of paths and
control characters and given the extension of what the file really is; the stored path is
random (``models.attachment_path``). Files are served only through the attachment view,
which checks the employee may see the conversation.
"""

import io
import unicodedata
import warnings

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .services import ConversationError, IncomingFile

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
NAME_MAX = 120
FIELD = "file"

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", (".jpg", ".jpeg")),
    "PNG": ("image/png", (".png",)),
    "WEBP": ("image/webp", (".webp",)),
    "GIF": ("image/gif", (".gif",)),
}
PDF = ("application/pdf", (".pdf",))
TEXT = ("text/plain", (".txt", ".text", ".log", ".csv", ".md"))
# What the file input offers (the server decides by content whatever the browser sends).
ACCEPT = ",".join([*(mime for mime, _ext in IMAGE_FORMATS.values()), PDF[0], TEXT[0]])

# Characters that mean something to file systems, shells or headers.
_UNSAFE = set("<>:\"/\\|?*'`$;")


def _refuse(message: str) -> ConversationError:
    return ConversationError({FIELD: [message]})


def _image_type(content: bytes) -> tuple[str, tuple[str, ...]] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format
                width, height = image.size
                image.verify()  # reads the whole file: truncated and corrupt images fail here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The image has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None
    if image_format not in IMAGE_FORMATS:
        return None
    if width * height > MAX_PIXELS:
        raise _refuse(_("The image has too many pixels."))
    return IMAGE_FORMATS[image_format]


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Tabs, line breaks and form feeds are text; other control characters mean binary data.
    return not any(
        unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text[:100_000]
    )


def detect_type(content: bytes) -> tuple[str, tuple[str, ...]] | None:
    """The content type and its usual extensions, or None for a kind of file we refuse."""
    image = _image_type(content)
    if image is not None:
        return image
    if content.startswith(b"%PDF-"):
        return PDF
    if _is_text(content):
        return TEXT
    return None


def clean_name(name: str, extensions: tuple[str, ...]) -> str:
    """``name`` without folders, control or special characters, at most ``NAME_MAX``
    characters, ending in one of ``extensions`` (the first one is added when it does not)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch not in _UNSAFE and unicodedata.category(ch)[0] != "C"
    )
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    # The extension says what the content is: kept when it does, replaced when it does not.
    suffix = f".{extension.lower()}"
    if suffix not in extensions:
        suffix = extensions[0]
    stem = stem.strip(" .")[: NAME_MAX - len(suffix)] or _("file")
    return stem + suffix


def check_upload(upload) -> IncomingFile:
    """``upload`` (an uploaded file) read and checked, ready for ``services.message_send``;
    else a ``ConversationError`` for the ``file`` field saying why."""
    size = getattr(upload, "size", None)
    if size is None:
        raise _refuse(_("Upload a file."))
    if size == 0:
        raise _refuse(_("The file is empty."))
    if size > MAX_BYTES:
        raise _refuse(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}
        )
    upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refuse(
            _("The file is too large; the limit is %(limit)s.")
            % {"limit": filesizeformat(MAX_BYTES)}
        )
    detected = detect_type(content)
    if detected is None:
        raise _refuse(
            _(
                "This kind of file cannot be sent: send an image (JPEG, PNG, WebP, GIF), "
                "a PDF or a plain text file."
            )
        )
    content_type, extensions = detected
    return IncomingFile(
        name=clean_name(getattr(upload, "name", "") or "", extensions),
        content_type=content_type,
        content=content,
    )
