"""Telegram bots (Bot API, https://core.telegram.org/bots/api).

A channel is one bot, known by the token @BotFather gave. Saving the channel asks Telegram
who the bot is (``getMe``) and points the bot's webhook at
``OFICINA_PUBLIC_URL/hooks/telegram/<channel id>/`` with the channel's secret token, which
Telegram then sends back in ``X-Telegram-Bot-Api-Secret-Token`` (``views/telegram.py``).
A new token on a saved channel comes with a new secret (``services.channel_update``): the new
bot's webhook gets it, and the old bot's webhook is deleted, so nothing the old bot still
delivers is accepted.
Replies go out with ``sendMessage`` (``sendPhoto`` / ``sendDocument`` for files). A client
joins a conversation an employee started through ``https://t.me/<bot>?start=<invite token>``.

The token is a secret: it is only ever part of a URL inside ``telegram.api``, and every error
text that leaves it is redacted.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Channel
from ..services import ChannelError
from ..telegram.api import (
    BotAPI,
    TelegramError,
    TelegramUnreachable,
    Upload,
    redact,
    valid_token,
)
from ..telegram.tasks import bot_api, chat_id, job_error
from . import ChannelCheck, Connector, CredentialField, Sent, register

logger = logging.getLogger("oficina.conversations")

ALLOWED_UPDATES = ["message", "edited_message"]
CAPTION_MAX = 1024  # Telegram's limit for a file's caption
PHOTO_TYPES = {"image/jpeg", "image/png"}
PHOTO_MAX = 10 * 1024 * 1024  # larger pictures go as documents


def _message_id(result) -> str:
    value = result.get("message_id") if isinstance(result, dict) else None
    return str(value) if isinstance(value, int) else ""


class TelegramConnector(Connector):
    kind = "telegram"
    credential_fields = (
        CredentialField(
            "bot_token",
            gettext_lazy("Bot token"),
            gettext_lazy(
                "The token @BotFather gave when the bot was created, like "
                "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0. Saving points the bot at "
                "Oficina: a bot serves one system at a time."
            ),
        ),
    )

    # --- Setting the channel up ---------------------------------------------------------------

    def check(self, channel, credentials: dict) -> ChannelCheck:
        token = str(credentials.get("bot_token") or "").strip()
        if not valid_token(token):
            raise ChannelError(
                {
                    "bot_token": _(
                        "This is not a bot token: it looks like 123456789:AAHfiqksKZ8… "
                        "(ask @BotFather for it)."
                    )
                }
            )
        self._public_base()  # refuse early, before asking Telegram anything
        try:
            me = BotAPI(token).get_me()
        except TelegramError as exc:
            if exc.status in (401, 404):
                raise ChannelError(
                    {
                        "bot_token": _(
                            "Telegram does not accept this bot token. Copy it again from "
                            "@BotFather (/mybots → API Token)."
                        )
                    }
                ) from None
            raise ChannelError(
                _("Telegram refused to check the bot: %(reason)s") % {"reason": exc.description}
            ) from None
        except TelegramUnreachable as exc:
            raise ChannelError(
                _("Telegram could not be reached (%(reason)s). Try again in a moment.")
                % {"reason": str(exc)}
            ) from None
        bot_id, username = me.get("id"), me.get("username")
        if not me.get("is_bot") or not isinstance(bot_id, int) or not username:
            raise ChannelError({"bot_token": _("Telegram did not recognise this as a bot.")})
        other = (
            Channel.objects.live()
            .filter(kind=self.kind, details__bot_id=bot_id)
            .exclude(pk=channel.pk)
            .first()
        )
        if other is not None:
            raise ChannelError(
                {
                    "bot_token": _(
                        "The channel “%(name)s” already uses @%(bot)s; a bot serves one channel."
                    )
                    % {"name": other.name, "bot": username}
                }
            )
        return ChannelCheck(details={"username": str(username)[:64], "bot_id": bot_id})

    def activate(self, channel) -> None:
        self._set_webhook(channel, channel.credentials.get("bot_token", ""))

    def deactivate(self, channel, credentials: dict) -> None:
        self._drop_webhook(channel, credentials, (channel.details or {}).get("bot_id"))

    def replaced(self, channel, credentials: dict, details: dict) -> None:
        bot_id = (details or {}).get("bot_id")
        if bot_id is not None and bot_id == (channel.details or {}).get("bot_id"):
            # The same bot with a new token (@BotFather's /revoke): its webhook is the one
            # just set, and the old token no longer works anyway.
            return
        self._drop_webhook(channel, credentials, bot_id)

    def _drop_webhook(self, channel, credentials: dict, bot_id) -> None:
        """Stop the bot with the token in ``credentials`` sending here (best effort), unless
        another live channel now uses that bot: its webhook stays."""
        token = (credentials or {}).get("bot_token", "")
        if not token or (
            bot_id is not None
            and Channel.objects.live()
            .filter(kind=self.kind, details__bot_id=bot_id)
            .exclude(pk=channel.pk)
            .exists()
        ):
            return
        try:
            BotAPI(token).delete_webhook()
        except (TelegramError, TelegramUnreachable) as exc:  # both redact the token
            logger.warning("Telegram channel %s: could not remove the webhook: %s", channel.pk, exc)
        except Exception as exc:  # never raise after a commit; the text may hold the URL
            logger.warning(
                "Telegram channel %s: could not remove the webhook: %s",
                channel.pk,
                redact(str(exc)),
            )

    def _public_base(self) -> str:
        base = (settings.OFICINA_PUBLIC_URL or "").rstrip("/")
        if not base:
            raise ChannelError(
                _(
                    "Telegram needs the shop's public https address to deliver messages: set "
                    "OFICINA_PUBLIC_URL (e.g. https://shop.example.com)."
                )
            )
        return base

    def webhook_url(self, channel) -> str:
        return self._public_base() + reverse("conversations:telegram_hook", args=[channel.pk])

    def _set_webhook(self, channel, token: str) -> None:
        try:
            BotAPI(token).set_webhook(
                url=self.webhook_url(channel),
                secret_token=channel.secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        except TelegramError as exc:
            raise ChannelError(
                _("Telegram refused the webhook address: %(reason)s") % {"reason": exc.description}
            ) from None
        except TelegramUnreachable as exc:
            raise ChannelError(
                _("Telegram could not be reached (%(reason)s). Try again in a moment.")
                % {"reason": str(exc)}
            ) from None

    # --- Messages ------------------------------------------------------------------------------

    def send(self, message) -> Sent:
        conversation = message.conversation
        api = bot_api(conversation.channel)
        chat = chat_id(conversation.external_id)
        attachments = list(message.attachments.all())
        try:
            if not attachments:
                result = api.call("sendMessage", {"chat_id": chat, "text": message.text})
                return Sent(external_id=_message_id(result))
            ids = []
            caption = message.text if len(message.text) <= CAPTION_MAX else ""
            if message.text and not caption:
                ids.append(
                    _message_id(api.call("sendMessage", {"chat_id": chat, "text": message.text}))
                )
            for number, attachment in enumerate(attachments):
                params = {"chat_id": chat}
                if number == 0 and caption:
                    params["caption"] = caption
                ids.append(_message_id(self._send_file(api, params, attachment)))
        except TelegramError as exc:
            raise job_error(exc) from None
        return Sent(external_id=next((i for i in ids if i), ""))

    def _send_file(self, api: BotAPI, params: dict, attachment):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        if attachment.content_type in PHOTO_TYPES and len(content) <= PHOTO_MAX:
            photo = Upload("photo", attachment.name, attachment.content_type, content)
            try:
                return api.call("sendPhoto", params, upload=photo)
            except TelegramError as exc:
                if exc.status != 400:
                    raise
                # Telegram takes a picture as a photo only within its proportions: the
                # file itself still goes through.
        document = Upload("document", attachment.name, attachment.content_type, content)
        return api.call("sendDocument", params, upload=document)

    def invite_link(self, conversation, request=None) -> str:
        username = (conversation.channel.details or {}).get("username", "")
        if not username:
            return ""
        return f"https://t.me/{username}?start={conversation.invite_token}"

    def can_start(self, conversation) -> bool:
        return bool(conversation.external_id)


register(TelegramConnector())
