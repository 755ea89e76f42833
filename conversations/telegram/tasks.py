"""Background work for Telegram channels: fetching the file a user sent with a message, and
greeting a user who pressed Start. The webhook answers Telegram at once and leaves both here.

How a Bot API refusal is retried (``job_error``): 429 waits Telegram's ``retry_after``; 5xx
and network errors are retried with back-off; any other refusal (400 chat not found, 403 bot
blocked, 401 token revoked) gives up with Telegram's description.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _

from jobs.base import GiveUp, Retry, background_task

from ..models import Channel, Conversation, Message
from .api import DEFAULT_RETRY_AFTER, BotAPI, FileTooLarge, TelegramError
from .media import ACCEPTED, clean_name, detect


def job_error(exc: TelegramError) -> Exception:
    """What a background task raises for Telegram's refusal ``exc``."""
    if exc.status == 429:
        after = exc.retry_after if exc.retry_after is not None else DEFAULT_RETRY_AFTER
        return Retry(after=after, reason=exc.description)
    if exc.temporary:
        return exc  # retried with back-off
    return GiveUp(exc.description)


def bot_api(channel: Channel) -> BotAPI:
    if channel.is_deleted:
        raise GiveUp("the channel was deleted")
    token = (channel.credentials or {}).get("bot_token", "")
    if not token:
        raise GiveUp("the channel has no bot token")
    return BotAPI(token)


def chat_id(external_id: str) -> int | str:
    """Telegram's chat id: an integer (negative for groups), sent as one."""
    text = str(external_id)
    return int(text) if text.lstrip("-").isdigit() else text


def too_large(limit: int) -> str:
    return _("The file is larger than %(size)s MB, the limit for files from Telegram.") % {
        "size": round(limit / (1024 * 1024), 1)
    }


# --- Files -------------------------------------------------------------------------------------


def _fetch_failed(message_id: int, *args, error: str, **kwargs) -> None:
    from .. import services

    services.message_attach_failed(
        message_id=message_id,
        error=_("The file could not be downloaded from Telegram: %(reason)s") % {"reason": error},
    )


FALLBACK_NAMES = {"photo": "photo", "voice": "voice", "audio": "audio", "video": "video"}


@background_task(max_attempts=5, backoff=30, on_give_up=_fetch_failed)
def telegram_file_fetch(message_id: int, kind: str, file_id: str, name: str) -> None:
    """Download the file that came with incoming message ``message_id`` into an attachment
    (once: a message that has one already is left alone)."""
    from .. import services

    message = (
        Message.objects.select_related("conversation__channel")
        .filter(pk=message_id, direction=Message.Direction.INCOMING)
        .first()
    )
    if message is None or message.attachments.exists():
        return
    api = bot_api(message.conversation.channel)
    limit = settings.OFICINA_TELEGRAM_FILE_MAX_BYTES
    buffer = io.BytesIO()
    try:
        info = api.get_file(file_id)
        path, size = info.get("file_path"), info.get("file_size")
        if not isinstance(path, str) or not path:
            raise GiveUp(_("Telegram no longer has this file."))
        if isinstance(size, int) and size > limit:
            raise GiveUp(too_large(limit))
        api.download(path, buffer, limit=limit)
    except FileTooLarge:
        raise GiveUp(too_large(limit)) from None
    except TelegramError as exc:
        raise job_error(exc) from None
    content = buffer.getvalue()
    try:
        found = detect(content)
    except services.ConversationError as exc:
        raise GiveUp(" ".join(exc.messages)) from None
    if found is None:
        raise GiveUp(
            _("Files of this type are not kept (accepted: %(types)s).") % {"types": ACCEPTED}
        )
    content_type, extensions = found
    fallback = f"{FALLBACK_NAMES.get(kind, 'file')}-{message.external_id or message.pk}"
    services.message_attach(
        message_id=message.pk,
        file=services.IncomingFile(
            name=clean_name(name, extensions, fallback),
            content_type=content_type,
            content=content,
        ),
    )


# --- Greeting ----------------------------------------------------------------------------------


@background_task(max_attempts=3, backoff=30)
def telegram_greet(channel_id: int, external_id: str, joined: bool) -> None:
    """Answer a user's Start: say who they are talking to and, while the conversation has no
    phone, offer a button that shares theirs (which links them to their client record)."""
    channel = Channel.objects.filter(pk=channel_id, kind=Channel.Kind.TELEGRAM).first()
    if channel is None or channel.is_deleted:
        return
    conversation = Conversation.objects.filter(channel=channel, external_id=external_id).first()
    company = settings.OFICINA_COMPANY_NAME
    if joined:
        text = _(
            "Hello! You are now in touch with %(company)s. Write here and we will answer in "
            "this chat."
        ) % {"company": company}
    else:
        text = _(
            "Hello! This is %(company)s. Write your message here and we will answer in this chat."
        ) % {"company": company}
    params: dict = {"chat_id": chat_id(external_id), "text": text}
    if conversation is not None and not conversation.client_id and not conversation.contact_phone:
        params["reply_markup"] = {
            "keyboard": [[{"text": _("Share my phone number"), "request_contact": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
    try:
        bot_api(channel).call("sendMessage", params)
    except TelegramError as exc:
        raise job_error(exc) from None
