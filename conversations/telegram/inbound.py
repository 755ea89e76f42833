"""What an update from a Telegram user does (the webhook calls ``handle`` inside the
transaction that records the update id).

In a private chat with the bot — the chat id is the conversation's ``external_id``:

* text → a message in the user's conversation (created on their first message);
* ``/start <invite token>`` (from the link an employee sent, ``t.me/<bot>?start=…``) → the
  user joins the conversation that employee started (merged into the one the user already
  has here, if any); a plain ``/start`` (or an invitation that is used up or unknown) opens
  the user's own conversation; either way the bot greets;
* a shared contact → when it is the user's own (``contact.user_id`` is the sender), its phone
  is kept and links the client with that number; someone else's card is only shown;
* a photo, document, voice note, audio file or video → the message is kept at once (the
  caption as its text) and the file is fetched in the background;
* an edit → the stored message's text changes;
* stickers, locations and other contents → a note saying what arrived.

Group chats and other kinds of update are not Oficina's business: ``accepts`` says no.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.phones import format_phone, to_e164

from .. import services
from ..models import TEXT_MAX, Channel, Conversation
from .media import safe_name
from .tasks import telegram_file_fetch, telegram_greet, too_large
from .updates import EDITED, MESSAGE, Message, Update

_START = re.compile(r"/start(?:@\w+)?(?:\s+(\S+))?\s*", re.IGNORECASE)
_INVITE = re.compile(r"[A-Za-z0-9_-]{1,64}")

OTHER_LABELS = {
    "sticker": gettext_lazy("a sticker"),
    "animation": gettext_lazy("a GIF"),
    "video_note": gettext_lazy("a video message"),
    "location": gettext_lazy("a location"),
    "venue": gettext_lazy("a place"),
    "poll": gettext_lazy("a poll"),
    "dice": gettext_lazy("a dice roll"),
    "game": gettext_lazy("a game"),
    "story": gettext_lazy("a story"),
    "invoice": gettext_lazy("an invoice"),
}
FILE_LABELS = {
    "photo": gettext_lazy("Photo"),
    "voice": gettext_lazy("Voice message"),
    "audio": gettext_lazy("Audio"),
    "video": gettext_lazy("Video"),
}


def accepts(update: Update) -> bool:
    """Whether Oficina acts on ``update``: messages and edits in private chats."""
    if update.kind not in (MESSAGE, EDITED) or update.message is None:
        return False
    return update.message.private


def handle(channel: Channel, update: Update) -> None:
    if update.kind == EDITED:
        _edited(channel, update.message)
    else:
        _message(channel, update.message)


def _text(text: str) -> str:
    # Telegram allows 4096 characters (counted in UTF-16); NUL never belongs in a message.
    return text.replace("\x00", "").strip()[:TEXT_MAX]


def _conversation(channel: Channel, message: Message) -> Conversation:
    return services.conversation_for_contact(
        channel=channel, external_id=str(message.chat_id), name=message.sender_name
    )


def _message(channel: Channel, message: Message) -> None:
    text = _text(message.text)
    start = _START.fullmatch(text) if message.file is None else None
    if start is not None:
        _start(channel, message, start.group(1) or "")
    elif message.contact is not None:
        _contact(channel, message)
    elif message.file is not None:
        _file(channel, message, text)
    else:
        if not text and message.other:
            label = OTHER_LABELS.get(message.other, message.other)
            text = _("(The client sent %(what)s, which cannot be shown here.)") % {"what": label}
        services.message_receive(
            conversation=_conversation(channel, message),
            text=text,
            external_id=str(message.message_id),
        )


def _start(channel: Channel, message: Message, token: str) -> None:
    external_id = str(message.chat_id)
    joined = None
    if token and _INVITE.fullmatch(token):
        invited = Conversation.objects.filter(channel=channel, invite_token=token).first()
        if invited is not None and invited.external_id == external_id:
            joined = invited  # the link pressed again
        elif invited is not None:
            try:
                # When this chat already has its conversation here, the invited one is
                # merged into it (its messages move over and go out).
                joined = services.conversation_join(
                    conversation=invited, external_id=external_id, name=message.sender_name
                )
            except services.ConversationError:
                joined = None  # used by someone else: the user gets their own conversation
    if joined is None:
        _conversation(channel, message)
    telegram_greet.defer(channel.pk, external_id, joined is not None)


def _contact(channel: Channel, message: Message) -> None:
    contact = message.contact
    raw = contact.phone.strip()
    # Telegram gives its users' numbers in international form, often without the "+".
    phone = to_e164("+" + raw.lstrip("+")) if raw.lstrip("+").isdigit() else to_e164(raw)
    shown = format_phone(phone) if phone else raw[:40]
    conversation = _conversation(channel, message)
    own = contact.user_id is not None and contact.user_id == message.sender_id
    if own and phone:
        services.conversation_set_contact_phone(conversation=conversation, phone=phone)
        text = _("Shared their phone number: %(phone)s") % {"phone": shown}
    else:
        text = _("Shared a contact: %(name)s, %(phone)s") % {
            "name": contact.name or "?",
            "phone": shown,
        }
    services.message_receive(
        conversation=conversation, text=_text(text), external_id=str(message.message_id)
    )


def _file(channel: Channel, message: Message, text: str) -> None:
    file = message.file
    shown = safe_name(file.name) or str(FILE_LABELS.get(file.kind, _("File")))
    stored = services.message_receive(
        conversation=_conversation(channel, message),
        text=text,
        external_id=str(message.message_id),
        pending_file=shown,
    )
    if stored is None:
        return  # delivered before
    limit = settings.OFICINA_TELEGRAM_FILE_MAX_BYTES
    if file.size is not None and file.size > limit:
        services.message_attach_failed(message_id=stored.pk, error=too_large(limit))
        return
    telegram_file_fetch.defer(stored.pk, file.kind, file.file_id, file.name)


def _edited(channel: Channel, message: Message) -> None:
    conversation = Conversation.objects.filter(
        channel=channel, external_id=str(message.chat_id)
    ).first()
    if conversation is None:
        return  # an edit of something we never received
    services.message_edit(
        conversation=conversation,
        external_id=str(message.message_id),
        text=_text(message.text),
    )
