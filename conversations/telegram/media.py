"""Which files a Telegram user sends are kept, judged by their content — never by the name or
the type the sender's app claimed.

The same kinds as an upload (``conversations.files``: JPEG, PNG, WebP and GIF images that
Pillow reads whole, PDFs, plain text), plus what people send from a phone and the upload form
does not offer: voice notes (Opus in Ogg), MP3 and M4A audio, MP4 video. So an HTML page
called ``photo.jpg`` is refused, and an SVG (which can carry script) is never kept.
"""

import unicodedata

from .. import files

NAME_MAX = 200
ACCEPTED = "JPEG, PNG, WebP, GIF, PDF, text, OGG, MP3, M4A, MP4"


def _mpeg_frame(head: bytes) -> bool:
    # 11 sync bits, then a layer other than "reserved".
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and bool(head[1] & 0x06)


def _media(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    if head[:4] == b"OggS":
        return "audio/ogg", (".ogg", ".oga", ".opus")
    if head[:3] == b"ID3" or _mpeg_frame(head):
        return "audio/mpeg", (".mp3",)
    if head[4:8] == b"ftyp":
        if head[8:12] in (b"M4A ", b"M4B "):
            return "audio/mp4", (".m4a",)
        return "video/mp4", (".mp4",)
    return None


def detect(content: bytes) -> tuple[str, tuple[str, ...]] | None:
    """(content type, usual extensions) of a kept kind of file, or None. Raises
    ``ConversationError`` for an image with too many pixels."""
    return files.detect_type(content) or _media(content[:16])


def safe_name(name: str) -> str:
    """A file name fit to show: no folders, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip(" .")[:NAME_MAX]


def clean_name(name: str, extensions: tuple[str, ...], fallback: str) -> str:
    """The name to keep: cleaned as uploads' names are, ending in an extension of what the
    file is; ``fallback`` when the sender's app gave none (photos, voice notes)."""
    return files.clean_name(safe_name(name) or fallback, extensions)
