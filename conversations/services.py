"""Every change to channels, conversations and messages goes through here.

Each function checks its rule, writes in one transaction and, once it commits, tells open
browsers (``realtime.publish``) and queues deliveries (``tasks.message_deliver``). Access is
the caller's job: views and the API look objects up through ``visible_to`` first (404
outside it); the functions here check the permissions to act (send, close, assign).
"""

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Employee
from clients.models import Client
from clients.selectors import client_search
from core.phones import to_e164

from . import realtime
from .access import has_conversation_access
from .connectors import connector_for
from .models import (
    NAME_MAX,
    PREVIEW_MAX,
    TEXT_MAX,
    Attachment,
    Channel,
    Conversation,
    InboundUpdate,
    Message,
    new_token,
    validate_allowed_origins,
)


class ConversationError(ValidationError):
    """A change was refused; nothing was written."""


class ChannelError(ValidationError):
    """A channel's settings were refused; nothing was written."""


@dataclass(frozen=True)
class IncomingFile:
    """A file that came with a message, already read and checked (see ``files.py``)."""

    name: str
    content_type: str
    content: bytes


# --- Channels ---------------------------------------------------------------------------------


def _channel_fields(*, name: str, access: str, members) -> tuple[str, str, list[Employee]]:
    name = (name or "").strip()
    if not name:
        raise ChannelError({"name": _("Give the channel a name.")})
    if len(name) > NAME_MAX:
        raise ChannelError({"name": _("At most %(max)s characters.") % {"max": NAME_MAX}})
    if access not in Channel.Access.values:
        raise ChannelError({"access": _("Choose who may see the channel's conversations.")})
    members = list(members or [])
    if access == Channel.Access.SELECTED and not members:
        raise ChannelError({"members": _("Select at least one employee.")})
    return name, access, members


def _credentials(kind: str, given: dict | None, current: dict | None = None) -> dict:
    """The credentials to store: each field given, else the one already stored."""
    connector = connector_for(kind)
    given = given or {}
    result = {}
    for field in connector.credential_fields:
        value = str(given.get(field.name) or "").strip() or (current or {}).get(field.name, "")
        if field.required and not value:
            raise ChannelError({field.name: _("This field is required.")})
        result[field.name] = value
    return result


def _origins(value: list[str] | None) -> list[str]:
    origins = list(value or [])
    try:
        validate_allowed_origins(origins)
    except ValidationError as exc:
        raise ChannelError({"allowed_origins": exc.messages}) from None
    return origins


def channel_create(
    *,
    actor: Employee,
    kind: str,
    name: str,
    access: str = Channel.Access.ALL,
    members=(),
    credentials: dict | None = None,
    allowed_origins: list[str] | None = None,
) -> Channel:
    """Add a channel; the connector checks its credentials with the provider first.
    ``allowed_origins``: the sites that may embed a web chat (already normalized)."""
    if kind not in Channel.Kind.values:
        raise ChannelError({"kind": _("Choose a kind of channel.")})
    name, access, members = _channel_fields(name=name, access=access, members=members)
    secrets = _credentials(kind, credentials)
    channel = Channel(kind=kind, name=name, access=access, owner=actor, credentials=secrets)
    channel.allowed_origins = _origins(allowed_origins)
    connector = connector_for(kind)
    channel.details = connector.check(channel, secrets).details
    with transaction.atomic():
        channel.save()
        channel.members.set(members)
        realtime.publish_access_changed()
    try:
        # Only now has the channel its id, which e.g. a Telegram webhook's URL carries.
        connector.activate(channel)
    except ChannelError:
        channel.delete()  # never left half set up
        raise
    return channel


def channel_update(
    *,
    actor: Employee,
    channel: Channel,
    name: str,
    access: str,
    members=(),
    credentials: dict | None = None,
    allowed_origins: list[str] | None = None,
) -> Channel:
    """Rename a channel, change who may see it, the sites that may embed it (None keeps
    them) or replace its credentials (an empty credential keeps the stored one).

    New credentials (another Telegram bot) come with a new secret token: the provider is
    set up with both before the change commits (a refusal writes nothing), and once it has
    committed the old credentials are retired, so nothing the old ones still deliver (signed
    with the old secret) is accepted."""
    if channel.is_deleted:
        raise ChannelError(_("This channel was deleted."))
    name, access, members = _channel_fields(name=name, access=access, members=members)
    secrets = _credentials(channel.kind, credentials, channel.credentials)
    if allowed_origins is not None:
        channel.allowed_origins = _origins(allowed_origins)
    connector = connector_for(channel.kind)
    old_credentials, old_details = dict(channel.credentials), dict(channel.details)
    replaced = secrets != old_credentials
    if replaced:
        channel.details = connector.check(channel, secrets).details
        channel.secret_token = new_token()
    channel.name, channel.access, channel.credentials = name, access, secrets
    try:
        with transaction.atomic():
            channel.save()
            channel.members.set(members)
            if replaced:
                # After the save (the provider may deliver at once; until the commit the
                # webhook answers with the old secret and the provider retries).
                connector.activate(channel)
                transaction.on_commit(
                    lambda: connector.replaced(channel, old_credentials, old_details)
                )
            realtime.publish_access_changed()
    except ChannelError:
        channel.refresh_from_db()
        raise
    return channel


def channel_delete(*, actor: Employee, channel: Channel) -> Channel:
    """Stop a channel: nothing more arrives or leaves through it; its conversations and
    their history stay readable. Its credentials are forgotten."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        if channel.is_deleted:
            return channel
        credentials = channel.credentials
        channel.deleted_at = timezone.now()
        channel.credentials = {}
        channel.save(update_fields=["deleted_at", "credentials"])
        realtime.publish_access_changed()
        # Tell the provider to stop sending (best effort: the webhook refuses it anyway).
        connector = connector_for(channel.kind)
        transaction.on_commit(lambda: connector.deactivate(channel, credentials))
    return channel


# --- Conversations ----------------------------------------------------------------------------


def _require_access(actor) -> None:
    if not has_conversation_access(actor):
        raise ConversationError(_("You have no access to conversations."))


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)


def conversation_start(*, actor: Employee, channel: Channel, client: Client) -> Conversation:
    """Open a conversation with ``client`` on ``channel`` (the other side joins through the
    connector's invite link, or at once when the channel already knows them)."""
    _require_access(actor)
    if not Channel.objects.accessible_to(actor).live().filter(pk=channel.pk).exists():
        raise ConversationError({"channel": _("Choose a channel you have access to.")})
    with transaction.atomic():
        # One start at a time per client (a double click, two employees at once): the second
        # waits here, then finds and reuses the conversation the first one opened.
        client_row = Client.objects.select_for_update(of=("self",)).filter(pk=client.pk)
        list(client_row.values_list("pk", flat=True))
        # The client's earlier conversation on this channel tells where they are reachable.
        # Else an invitation still waiting for them is reused rather than sent twice.
        theirs = Conversation.objects.filter(channel=channel, client=client)
        known = (
            theirs.exclude(external_id="").order_by("-last_activity_at", "-pk").first()
            or theirs.filter(external_id="", status=Conversation.Status.OPEN)
            .order_by("-pk")
            .first()
        )
        if known is not None:
            conversation = _lock(known)
            _reopen(conversation, actor)
            conversation.save()
        else:
            conversation = Conversation.objects.create(
                channel=channel, client=client, assignee=actor, created_by=actor
            )
        realtime.publish(conversation, "created")
    return conversation


def clean_name(name) -> str:
    """A contact's name as it can be stored: control characters (NUL, line breaks, …), which
    a Telegram profile or a web chat visitor may send and PostgreSQL refuses, and unpaired
    surrogates are dropped; runs of spaces become one; at most ``NAME_MAX`` characters."""
    kept = "".join(
        " " if char.isspace() else char
        for char in str(name or "")
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())[:NAME_MAX]


def conversation_for_contact(
    *, channel: Channel, external_id: str, name: str = "", phone: str = ""
) -> Conversation:
    """The conversation with the sender ``external_id`` on ``channel``, created on their first
    message. A phone links it to the client who has that number."""
    external_id = str(external_id)[:64]
    existing = Conversation.objects.filter(channel=channel, external_id=external_id).first()
    if existing is not None:
        return existing
    conversation = Conversation(
        channel=channel, external_id=external_id, contact_name=clean_name(name)
    )
    _set_phone(conversation, phone)
    try:
        with transaction.atomic():
            conversation.save()
    except IntegrityError:  # the same sender's second message won the race
        return Conversation.objects.get(channel=channel, external_id=external_id)
    realtime.publish(conversation, "created")
    return conversation


def conversation_join(
    *, conversation: Conversation, external_id: str, name: str = ""
) -> Conversation:
    """The other side accepted an invite: from now on ``external_id`` is theirs.

    When that chat already has a conversation on the channel (they wrote before the employee
    sent the invitation), the invitation is merged into it (``_merge``), which is returned."""
    external_id = str(external_id)[:64]
    name = clean_name(name)
    with transaction.atomic():
        conversation = _lock(conversation)
        if conversation.external_id:
            if conversation.external_id != external_id:
                raise ConversationError(_("This invitation was already used."))
            return conversation  # the same chat opened the link again
        theirs = Conversation.objects.filter(
            channel_id=conversation.channel_id, external_id=external_id
        ).first()
        if theirs is not None:
            return _merge(invited=conversation, into=theirs)
        conversation.external_id = external_id
        if name and not conversation.contact_name:
            conversation.contact_name = name
        try:
            with transaction.atomic():
                conversation.save()
        except IntegrityError:
            # Their first message made their own conversation a moment ago: merge into it.
            conversation.external_id = ""
            theirs = Conversation.objects.get(
                channel_id=conversation.channel_id, external_id=external_id
            )
            return _merge(invited=conversation, into=theirs)
        _redeliver_refused_before_join(conversation)
        realtime.publish(conversation, "status")
    return conversation


def _redeliver_refused_before_join(conversation: Conversation) -> None:
    """Messages an employee wrote before the other side joined were refused by the delivery
    task ("not joined"): now they can go out, each by one new task. Messages still queued
    are left to the task they already have, so nothing is sent twice."""
    from .tasks import NOT_JOINED, message_deliver

    refused = list(
        Message.objects.filter(
            conversation=conversation,
            direction=Message.Direction.OUTGOING,
            delivery=Message.Delivery.FAILED,
            error=NOT_JOINED,
        ).values_list("pk", flat=True)
    )
    if not refused:
        return
    Message.objects.filter(pk__in=refused).update(delivery=Message.Delivery.PENDING, error="")
    for message_id in refused:
        message_deliver.defer(message_id)


def _merge(*, invited: Conversation, into: Conversation) -> Conversation:
    """Fold the conversation an employee started (``invited``, locked, never joined) into
    the one the chat already has (``into``): ``into`` keeps its client link, or takes the
    invited one's client when it has none; the invited messages move over (those still
    queued are delivered by their own task, those refused before the join go out again). The
    invited conversation is closed and its invitation can no longer be used."""
    into = _lock(into)
    moved = Message.objects.filter(conversation=invited)
    moved_count = moved.update(conversation=into)
    if into.client_id is None and invited.client_id is not None:
        into.client_id = invited.client_id
    if not into.contact_phone:
        into.contact_phone = invited.contact_phone
    if into.assignee_id is None:
        into.assignee_id = invited.assignee_id
    if invited.last_activity_at > into.last_activity_at:
        into.last_activity_at = invited.last_activity_at
        into.last_message_preview = invited.last_message_preview or into.last_message_preview
    into.unread_count += invited.unread_count
    _reopen(into)
    into.save()

    invited.status = Conversation.Status.CLOSED
    invited.closed_at = timezone.now()
    invited.unread_count = 0
    invited.last_message_preview = ""
    invited.invite_token = new_token()  # the link now leads nowhere
    invited.save(
        update_fields=[
            "status",
            "closed_at",
            "unread_count",
            "last_message_preview",
            "invite_token",
        ]
    )
    _redeliver_refused_before_join(into)
    realtime.publish(invited, "status")
    realtime.publish(into, "message" if moved_count else "status")
    return into


def _set_phone(conversation: Conversation, phone: str) -> None:
    e164 = to_e164(phone or "")
    if not e164:
        return
    conversation.contact_phone = e164
    if conversation.client_id is None:
        match = client_search(Client.objects.all(), e164).order_by("archived", "pk").first()
        if match is not None:
            conversation.client = match


def conversation_set_contact_phone(*, conversation: Conversation, phone: str) -> Conversation:
    """The other side shared their phone (a Telegram contact): keep it and link the client
    who has it, unless an employee already linked one."""
    with transaction.atomic():
        conversation = _lock(conversation)
        _set_phone(conversation, phone)
        conversation.save()
        realtime.publish(conversation, "status")
    return conversation


def conversation_link_client(
    *, actor: Employee, conversation: Conversation, client: Client
) -> Conversation:
    """Link an unlinked (or wrongly linked) conversation to an existing client."""
    _require_access(actor)
    if not actor.has_perm("clients.view"):
        raise ConversationError(_("You cannot see clients."))
    with transaction.atomic():
        conversation = _lock(conversation)
        conversation.client = client
        conversation.save(update_fields=["client"])
        realtime.publish(conversation, "status")
    return conversation


def conversation_create_client(*, actor: Employee, conversation: Conversation) -> Client:
    """Turn the conversation's contact into a new client (name and phone as known)."""
    from clients.services import PhoneInput, client_create

    _require_access(actor)
    if not actor.has_perm("clients.create"):
        raise ConversationError(_("You cannot create clients."))
    with transaction.atomic():
        conversation = _lock(conversation)
        if conversation.client_id:
            raise ConversationError(_("This conversation already has a client."))
        first_name = conversation.contact_name or (conversation.contact_phone or _("Chat visitor"))
        phones = (
            [PhoneInput(number=conversation.contact_phone)] if conversation.contact_phone else []
        )
        client = client_create(
            actor=actor, data={"kind": Client.Kind.PERSON, "first_name": first_name}, phones=phones
        )
        conversation.client = client
        conversation.save(update_fields=["client"])
        realtime.publish(conversation, "status")
    return client


def _reopen(conversation: Conversation, actor=None) -> None:
    if conversation.status == Conversation.Status.CLOSED:
        conversation.status = Conversation.Status.OPEN
        conversation.closed_at = None


def conversation_close(*, actor: Employee, conversation: Conversation) -> Conversation:
    _require_access(actor)
    with transaction.atomic():
        conversation = _lock(conversation)
        if conversation.status != Conversation.Status.CLOSED:
            conversation.status = Conversation.Status.CLOSED
            conversation.closed_at = timezone.now()
            conversation.unread_count = 0
            conversation.save(update_fields=["status", "closed_at", "unread_count"])
            realtime.publish(conversation, "status")
    return conversation


def conversation_reopen(*, actor: Employee, conversation: Conversation) -> Conversation:
    _require_access(actor)
    with transaction.atomic():
        conversation = _lock(conversation)
        if conversation.status != Conversation.Status.OPEN:
            _reopen(conversation)
            conversation.save(update_fields=["status", "closed_at"])
            realtime.publish(conversation, "status")
    return conversation


def conversation_assign(
    *, actor: Employee, conversation: Conversation, assignee: Employee | None
) -> Conversation:
    """Give the conversation to ``assignee`` (None: unassigned), who must be able to see it."""
    _require_access(actor)
    if assignee is not None and not (
        assignee.is_active
        and Conversation.objects.visible_to(assignee).filter(pk=conversation.pk).exists()
    ):
        raise ConversationError(
            {"assignee": _("This employee has no access to the conversation's channel.")}
        )
    with transaction.atomic():
        conversation = _lock(conversation)
        conversation.assignee = assignee
        conversation.save(update_fields=["assignee"])
        realtime.publish(conversation, "assigned")
    return conversation


def conversation_mark_read(*, actor: Employee, conversation: Conversation) -> None:
    """An employee opened the conversation: nothing in it is unread any more."""
    updated = Conversation.objects.filter(pk=conversation.pk, unread_count__gt=0).update(
        unread_count=0
    )
    if updated:
        conversation.unread_count = 0
        realtime.publish(conversation, "read")


# --- Messages ---------------------------------------------------------------------------------


def _clean_text(text, *, allow_empty: bool) -> str:
    text = "" if text is None else str(text)
    if "\x00" in text:
        raise ConversationError(
            {"text": _("The message contains a character that is not allowed.")}
        )
    text = text.strip()
    if not text and not allow_empty:
        raise ConversationError({"text": _("Write a message.")})
    if len(text) > TEXT_MAX:
        raise ConversationError(
            {"text": _("The message is too long: at most %(max)s characters.") % {"max": TEXT_MAX}}
        )
    return text


def _preview(text: str, files) -> str:
    if text:
        return " ".join(text.split())[:PREVIEW_MAX]
    return ("📎 " + files[0].name)[:PREVIEW_MAX] if files else ""


def _attach(message: Message, files) -> list[Attachment]:
    from django.core.files.base import ContentFile

    return [
        Attachment.objects.create(
            message=message,
            file=ContentFile(incoming.content, name=incoming.name),
            name=incoming.name[:200],
            content_type=incoming.content_type,
            size=len(incoming.content),
        )
        for incoming in files
    ]


def _append(conversation: Conversation, files, *, pending_file: str = "", **fields) -> Message:
    """Add a message (and its files) to a locked conversation, which it reopens and moves
    to the top; the caller saves the conversation."""
    now = timezone.now()
    message = Message.objects.create(conversation=conversation, created_at=now, **fields)
    _attach(message, files)
    _reopen(conversation)
    conversation.last_activity_at = now
    conversation.last_message_preview = _preview(message.text, files) or (
        ("📎 " + pending_file)[:PREVIEW_MAX] if pending_file else ""
    )
    return message


def message_send(*, actor: Employee, conversation: Conversation, text: str, files=()) -> Message:
    """An employee writes to the client. Reopens a closed conversation; the connector
    delivers it in the background."""
    from .tasks import message_deliver

    _require_access(actor)
    files = list(files)
    text = _clean_text(text, allow_empty=bool(files))
    if conversation.channel.is_deleted:
        raise ConversationError(_("The channel was deleted: messages can no longer be sent."))
    with transaction.atomic():
        conversation = _lock(conversation)
        message = _append(
            conversation,
            files,
            direction=Message.Direction.OUTGOING,
            text=text,
            author=actor,
            delivery=Message.Delivery.PENDING,
        )
        conversation.unread_count = 0
        if conversation.assignee_id is None:
            conversation.assignee = actor
        conversation.save()
        message_deliver.defer(message.pk)
        realtime.publish(conversation, "message", message=message.pk)
    return message


def message_receive(
    *,
    conversation: Conversation,
    text: str,
    external_id: str = "",
    files=(),
    pending_file: str = "",
) -> Message | None:
    """A message from the client. Reopens a closed conversation and counts as unread.
    A message the provider already delivered (same ``external_id``) is ignored.
    ``pending_file`` names a file still being fetched (``message_attach`` adds it): the
    message is kept even without text."""
    files = list(files)
    text = _clean_text(text, allow_empty=True)
    if not text and not files and not pending_file:
        return None
    external_id = str(external_id or "")[:64]
    with transaction.atomic():
        conversation = _lock(conversation)
        if external_id and conversation.messages.filter(external_id=external_id).exists():
            return None
        message = _append(
            conversation,
            files,
            pending_file=pending_file,
            direction=Message.Direction.INCOMING,
            text=text,
            external_id=external_id,
            delivery=Message.Delivery.RECEIVED,
        )
        conversation.unread_count = F("unread_count") + 1
        conversation.save()
        realtime.publish(conversation, "message", message=message.pk)
    return message


def message_edit(*, conversation: Conversation, external_id: str, text: str) -> Message | None:
    """The client edited a message they sent (Telegram's edited_message)."""
    text = _clean_text(text, allow_empty=True)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(conversation=conversation, external_id=str(external_id)[:64])
            .first()
        )
        if message is None or not text or message.text == text:
            return message
        message.text = text
        message.edited_at = timezone.now()
        message.save(update_fields=["text", "edited_at"])
        realtime.publish(conversation, "edited", message=message.pk)
    return message


def message_attach(*, message_id: int, file: IncomingFile) -> Attachment | None:
    """A file that came with an incoming message, fetched after the message was stored
    (Telegram's photos and documents)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("conversation")
            .filter(pk=message_id, direction=Message.Direction.INCOMING)
            .first()
        )
        if message is None:
            return None
        (attachment,) = _attach(message, [file])
        if message.error:
            message.error = ""
            message.save(update_fields=["error"])
        realtime.publish(message.conversation, "edited", message=message.pk)
    return attachment


def message_attach_failed(*, message_id: int, error: str) -> Message | None:
    """The file that came with an incoming message could not be fetched: the message says
    why (shown where the file would be)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("conversation")
            .filter(pk=message_id, direction=Message.Direction.INCOMING)
            .first()
        )
        if message is None:
            return None
        message.error = (error or "")[:500]
        message.save(update_fields=["error"])
        realtime.publish(message.conversation, "edited", message=message.pk)
    return message


# Delivery moves forward only: a late "sent" after "delivered" changes nothing.
_DELIVERY_RANK = {
    Message.Delivery.PENDING: 0,
    Message.Delivery.SENT: 1,
    Message.Delivery.DELIVERED: 2,
    Message.Delivery.FAILED: 2,
}


def message_delivery_set(
    *, message_id: int, delivery: str, external_id: str = "", error: str = ""
) -> Message | None:
    """Record how an outgoing message fared at the provider."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("conversation")
            .filter(pk=message_id, direction=Message.Direction.OUTGOING)
            .first()
        )
        if message is None:
            return None
        if _DELIVERY_RANK.get(delivery, -1) <= _DELIVERY_RANK.get(message.delivery, 0):
            return message
        message.delivery = delivery
        message.error = (error or "")[:500]
        if external_id:
            message.external_id = str(external_id)[:64]
        message.save(update_fields=["delivery", "error", "external_id"])
        realtime.publish(message.conversation, "delivery", message=message.pk)
    return message


def messages_mark_delivered(*, conversation: Conversation, message_ids) -> int:
    """The other side fetched these messages (the web chat's poll): the shop's messages
    among them that were still sending or sent are delivered. One update, one event; the
    event names the messages (open pages fetch exactly those again), so pass only the
    conversation's outgoing messages that were still waiting, as the web chat does."""
    ids = sorted({int(pk) for pk in message_ids})
    updated = Message.objects.filter(
        conversation=conversation,
        pk__in=ids,
        direction=Message.Direction.OUTGOING,
        delivery__in=[Message.Delivery.PENDING, Message.Delivery.SENT],
    ).update(delivery=Message.Delivery.DELIVERED)
    if updated:
        realtime.publish(conversation, "delivery", messages=ids)
    return updated


# Telegram stops redelivering an update after 24 hours; a week of ids is plenty to spot
# replays. Every PRUNE_EVERY-th recorded update clears the older ones of its channel, so the
# table stays small without a scheduler.
UPDATE_IDS_KEPT = timedelta(days=7)
PRUNE_EVERY = 500


def update_seen(*, channel: Channel, update_id) -> bool:
    """Record a provider's update id; False when it was delivered before (a replay)."""
    try:
        with transaction.atomic():
            seen = InboundUpdate.objects.create(channel=channel, update_id=str(update_id)[:64])
    except IntegrityError:
        return False
    if seen.pk % PRUNE_EVERY == 0:
        InboundUpdate.objects.filter(
            channel=channel, received_at__lt=timezone.now() - UPDATE_IDS_KEPT
        ).delete()
    return True
