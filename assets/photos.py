"""Asset photos: checked by what the file is, not by what it is called.

A photo is accepted only when Pillow reads it as a JPEG, PNG or WebP image, it is at most
``MAX_BYTES`` and ``MAX_PIXELS``; a PDF renamed ``.jpg`` or a truncated image is refused. The
stored name is random and the extension follows the detected format, so nothing the uploader
chose ends up in the path. Photos are served only through ``assets.views`` (login and
permission checked), never as a public URL.
"""

import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000: more than any phone camera, far from a bomb
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(FORMATS.values())
UPLOAD_DIR = "assets/photos"


@dataclass(frozen=True)
class CheckedPhoto:
    file: object  # the uploaded file, rewound
    name: str  # the name to store it under: random, with the detected format's extension


def _refuse(message: str) -> ValidationError:
    return ValidationError({"photo": [message]})


def check_photo(upload) -> CheckedPhoto:
    """``upload`` (an uploaded or opened file) if it is an image we accept; else a
    ValidationError for the ``photo`` field saying why."""
    size = getattr(upload, "size", None)
    if size is None:
        raise _refuse(_("Upload a file."))
    if size == 0:
        raise _refuse(_("The file is empty."))
    if size > MAX_BYTES:
        raise _refuse(
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}
        )
    accepted = _("Upload a JPEG, PNG or WebP image.")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()  # reads the whole file: truncated and corrupt images fail here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The image has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(accepted) from None
    if image_format not in FORMATS:
        raise _refuse(accepted)
    if width * height > MAX_PIXELS:
        raise _refuse(_("The image has too many pixels."))
    upload.seek(0)
    extension = FORMATS[image_format][0]
    return CheckedPhoto(file=upload, name=f"{UPLOAD_DIR}/{uuid.uuid4().hex}.{extension}")


def content_type(name: str) -> str:
    """The content type a stored photo is served with, from the extension we gave it."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
