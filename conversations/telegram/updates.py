"""Reading a Telegram update (https://core.telegram.org/bots/api#update) into plain values.

Only what Oficina acts on is read: ``message`` and ``edited_message`` in private chats —
text, a caption, a shared contact, a photo, a document, a voice note, an audio file or a
video. Everything is type-checked before anything is stored: a field of the wrong type makes
the whole update ``BadUpdate`` (answered 400). Unknown fields are ignored, as Telegram adds
new ones all the time.
"""

from dataclasses import dataclass

MESSAGE = "message"
EDITED = "edited_message"
PRIVATE = "private"
# Message contents Oficina cannot show, by the field Telegram puts them in.
OTHER_CONTENT = (
    "sticker",
    "animation",
    "video_note",
    "location",
    "venue",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
)


class BadUpdate(Exception):
    """The body is not a Telegram update Oficina can read."""


@dataclass(frozen=True)
class Contact:
    phone: str
    name: str
    user_id: int | None


@dataclass(frozen=True)
class FileRef:
    """A file attached to a message, to be fetched with getFile."""

    kind: str  # photo, document, voice, audio, video
    file_id: str
    name: str  # as the sender's app gave it ("" for photos and voice notes)
    size: int | None  # as Telegram declared it


@dataclass(frozen=True)
class Message:
    message_id: int
    chat_id: int
    chat_type: str
    sender_id: int | None
    sender_name: str
    text: str
    contact: Contact | None = None
    file: FileRef | None = None
    other: str = ""  # the kind of a content Oficina cannot show ("sticker", …)

    @property
    def private(self) -> bool:
        return self.chat_type == PRIVATE


@dataclass(frozen=True)
class Update:
    update_id: int
    kind: str  # "message", "edited_message", or "" for anything else
    message: Message | None


def _int(data: dict, key: str, *, required: bool = True) -> int | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadUpdate(f"{key} must be an integer")
    return value


def _str(data: dict, key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadUpdate(f"{key} must be a string")
    return value


def _obj(data: dict, key: str, *, required: bool = False) -> dict | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise BadUpdate(f"{key} must be an object")
    return value


def _name(person: dict | None) -> str:
    if not person:
        return ""
    name = " ".join(
        part for part in (_str(person, "first_name"), _str(person, "last_name")) if part
    )
    username = _str(person, "username")
    return name.strip() or (f"@{username}" if username else "")


def _contact(data: dict) -> Contact | None:
    contact = _obj(data, "contact")
    if contact is None:
        return None
    return Contact(
        phone=_str(contact, "phone_number", required=True),
        name=_name(contact),
        user_id=_int(contact, "user_id", required=False),
    )


def _photo(data: dict) -> FileRef | None:
    sizes = data.get("photo")
    if sizes is None:
        return None
    if not isinstance(sizes, list) or not sizes or not all(isinstance(s, dict) for s in sizes):
        raise BadUpdate("photo must be a list of sizes")
    for size in sizes:
        _str(size, "file_id", required=True)
        _int(size, "file_size", required=False)
    # Telegram lists the sizes from the smallest to the largest: keep the largest.
    largest = sizes[-1]
    return FileRef("photo", largest["file_id"], "", largest.get("file_size"))


def _file(data: dict) -> FileRef | None:
    for kind in ("document", "voice", "audio", "video"):
        item = _obj(data, kind)
        if item is not None:
            return FileRef(
                kind,
                _str(item, "file_id", required=True),
                _str(item, "file_name"),
                _int(item, "file_size", required=False),
            )
    return _photo(data)


def _message(data: dict) -> Message:
    chat = _obj(data, "chat", required=True)
    sender = _obj(data, "from")
    text = _str(data, "text") or _str(data, "caption")
    return Message(
        message_id=_int(data, "message_id"),
        chat_id=_int(chat, "id"),
        chat_type=_str(chat, "type", required=True),
        sender_id=_int(sender, "id") if sender is not None else None,
        sender_name=_name(sender) or _name(chat),
        text=text,
        contact=_contact(data),
        file=_file(data),
        other=next((key for key in OTHER_CONTENT if key in data), ""),
    )


def parse(data) -> Update:
    """The update in ``data`` (the decoded JSON body); ``BadUpdate`` when it is not one."""
    if not isinstance(data, dict):
        raise BadUpdate("the body must be a JSON object")
    update_id = _int(data, "update_id")
    if update_id < 0:
        raise BadUpdate("update_id must not be negative")
    for kind in (MESSAGE, EDITED):
        if kind in data:
            return Update(update_id, kind, _message(_obj(data, kind, required=True)))
    return Update(update_id, "", None)
