"""Conversations: channels (web chat, Telegram bots, …), the conversations that arrive
through them and their messages.

A channel's credentials are secrets: forms and the API never show them back in full and they
are never logged. A deleted channel is only marked deleted, so its conversations keep their
history. Message text is stored exactly as received and always rendered escaped.
"""

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.phones import format_phone

from .access import has_conversation_access

NAME_MAX = 100
TEXT_MAX = 4096  # Telegram's limit for one message; the same everywhere for simplicity
PREVIEW_MAX = 160
ORIGINS_MAX = 20  # sites one web chat may be embedded on
ORIGIN_MAX = 300


def new_token() -> str:
    return secrets.token_urlsafe(24)


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_normalize(value: str) -> str:
    """``value`` (a site's address, e.g. ``https://www.myshop.com.br``) written the way a
    browser writes that site's origin: lower case, the host in ASCII (punycode), the port only
    when it is not the scheme's default. ``ValidationError`` with a message saying what is
    wrong: another scheme, a path, a wildcard, a malformed host."""
    text = str(value).strip()
    params = {"value": text[:ORIGIN_MAX], "example": "https://www.myshop.com.br"}
    invalid = ValidationError(
        _("“%(value)s” is not a site address such as %(example)s."),
        code="invalid",
        params=params,
    )
    if not text or len(text) > ORIGIN_MAX or any(c.isspace() or ord(c) < 32 for c in text):
        raise invalid
    if "*" in text:
        raise ValidationError(
            _("“%(value)s”: wildcards are not accepted. List each site, such as %(example)s."),
            code="wildcard",
            params=params,
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise invalid from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not text.lower().startswith(scheme + "://"):
        raise ValidationError(
            _("“%(value)s” must start with https:// (or http://), such as %(example)s."),
            code="scheme",
            params=params,
        )
    if "@" in parts.netloc or not parts.hostname or port == 0:
        raise invalid
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValidationError(
            _("“%(value)s” has a path: give only the site’s address, such as %(origin)s."),
            code="path",
            params={**params, "origin": f"{scheme}://{parts.netloc}"},
        )
    host = parts.hostname
    if ":" in host:  # an IPv6 address, written in brackets
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise invalid from None
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise invalid from None
        if not all(_HOST_LABEL.match(label) for label in host.split(".")):
            raise invalid
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def validate_allowed_origins(value) -> None:
    """A channel's ``allowed_origins``: at most ``ORIGINS_MAX`` distinct origins, each
    already written as ``origin_normalize`` writes it."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("The allowed sites must be a list of addresses."), code="invalid")
    if len(value) > ORIGINS_MAX:
        raise ValidationError(
            _("At most %(max)s sites may embed the chat."),
            code="max",
            params={"max": ORIGINS_MAX},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each site may be listed only once."), code="duplicate")
    for item in value:
        if origin_normalize(item) != item:
            raise ValidationError(
                _("“%(value)s” is not written as a browser writes it: %(origin)s."),
                code="not_normalized",
                params={"value": item, "origin": origin_normalize(item)},
            )


class ChannelQuerySet(models.QuerySet):
    def accessible_to(self, employee) -> "ChannelQuerySet":
        """The channels whose conversations ``employee`` may see (deleted ones included:
        their history stays readable)."""
        if not has_conversation_access(employee):
            return self.none()
        member = Channel.members.through.objects.filter(
            channel=OuterRef("pk"), employee=employee.pk
        )
        return self.filter(
            Q(access=Channel.Access.ALL)
            | Q(owner=employee.pk)
            | Q(Exists(member), access=Channel.Access.SELECTED)
        )

    def live(self) -> "ChannelQuerySet":
        return self.filter(deleted_at__isnull=True)


class Channel(models.Model):
    """A way clients write to the shop: one web chat widget, one Telegram bot, …"""

    class Kind(models.TextChoices):
        WEBCHAT = "webchat", _("Web chat")
        TELEGRAM = "telegram", _("Telegram bot")

    class Access(models.TextChoices):
        ALL = "all", _("All employees")
        SELECTED = "selected", _("Selected employees")
        OWNER = "owner", _("Owner only")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.ALL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_channels",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("selected employees"),
        blank=True,
        related_name="conversation_channels",
    )
    # Secrets (a bot token, …): write-only for people; connectors read them.
    credentials = models.JSONField(_("credentials"), default=dict, blank=True, editable=False)
    # Non-secret facts a connector learned (a bot's username, …).
    details = models.JSONField(_("details"), default=dict, blank=True, editable=False)
    # Checked against X-Telegram-Bot-Api-Secret-Token and similar headers.
    secret_token = models.CharField(max_length=64, default=new_token, editable=False)
    # The web chat widget's public address: /chat/<public_key>/.
    public_key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The sites (origins such as "https://www.myshop.com.br") that may show the web chat in a
    # frame and receive its visitor's token; see ``origin_normalize``.
    allowed_origins = models.JSONField(
        _("sites allowed to embed the chat"),
        default=list,
        blank=True,
        validators=[validate_allowed_origins],
    )
    # The sites that tried to show the web chat without being listed, newest first, so the
    # settings page can name them: [{"origin": "https://…", "at": ISO time}, …], a few at
    # most (conversations/embedding.py).
    embed_refusals = models.JSONField(
        _("sites refused the chat"), default=list, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["webchat", "telegram"]), name="channel_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(access__in=["all", "selected", "owner"]), name="channel_access_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def masked_credentials(self) -> dict[str, str]:
        """Each secret as its last four characters, for showing that one is set."""
        return {key: mask(value) for key, value in self.credentials.items() if value}


def mask(value) -> str:
    text = str(value)
    return "••••" + text[-4:] if len(text) > 8 else "••••"


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, employee) -> "ConversationQuerySet":
        """The conversations ``employee`` may see: those of the channels they may access."""
        if not has_conversation_access(employee):
            return self.none()
        return self.filter(channel__in=Channel.objects.accessible_to(employee).values("pk"))

    def with_row(self) -> "ConversationQuerySet":
        return self.select_related("channel", "client", "assignee")


class Conversation(models.Model):
    """One thread with a client (or a contact not yet linked to one) on one channel."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conversation", "Open")
        CLOSED = "closed", pgettext_lazy("conversation", "Closed")

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="conversations"
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    # Who is writing when no client is linked yet (a chat visitor, a Telegram user).
    contact_name = models.CharField(_("contact name"), max_length=NAME_MAX, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, default="")
    # The other side's address on the channel: a Telegram chat id, a web chat visitor's token.
    external_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Lets the other side join a conversation an employee started (a chat link, a bot's
    # /start parameter).
    invite_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unread_count = models.PositiveIntegerField(_("unread"), default=0)
    last_message_preview = models.CharField(max_length=PREVIEW_MAX, blank=True, default="")
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(
                fields=["status", "-last_activity_at", "-id"], name="conv_status_activity"
            ),
            models.Index(
                fields=["client", "-last_activity_at", "-id"], name="conv_client_activity"
            ),
            models.Index(
                fields=["assignee", "status", "-last_activity_at"], name="conv_assignee_activity"
            ),
            models.Index(fields=["channel", "-last_activity_at"], name="conv_channel_activity"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="conversation_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="conversation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.channel})"

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.client_id:
            return str(self.client)
        if self.contact_name:
            return self.contact_name
        if self.contact_phone:
            return format_phone(self.contact_phone)
        return str(_("Visitor #%(id)s") % {"id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Message(models.Model):
    """One message in a conversation, in either direction."""

    class Direction(models.TextChoices):
        INCOMING = "in", _("Incoming")
        OUTGOING = "out", _("Outgoing")

    class Delivery(models.TextChoices):
        RECEIVED = "received", _("Received")
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Not delivered")

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    text = models.TextField(_("text"), blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery = models.CharField(
        _("delivery status"), max_length=10, choices=Delivery.choices, default=Delivery.RECEIVED
    )
    error = models.CharField(_("error"), max_length=500, blank=True, default="")
    # The provider's id for this message (Telegram's message_id), to apply edits and replies.
    external_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "-id"], name="message_conversation_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="message_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out"]), name="message_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40] or f"message {self.pk}"

    @property
    def is_incoming(self) -> bool:
        return self.direction == self.Direction.INCOMING


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the original one is kept in ``name`` and never used as a path.
    return f"conversations/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file sent with a message: checked by content, size-limited, served only to employees
    who may see the conversation."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conversations:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class InboundUpdate(models.Model):
    """An update id a provider delivered (Telegram's update_id): a replay is recognised and
    changes nothing."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    update_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "update_id"], name="inbound_update_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.update_id}"
