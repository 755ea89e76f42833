"""Delivering outgoing messages in the background, with retries."""

from jobs.base import GiveUp, background_task

from .connectors import connector_for
from .models import Message

# Why a message written before the other side joined was not delivered; joining sends it.
NOT_JOINED = "the client has not joined this conversation yet"


def _failed(message_id: int, error: str) -> None:
    from .services import message_delivery_set

    message_delivery_set(message_id=message_id, delivery=Message.Delivery.FAILED, error=error)


@background_task(max_attempts=6, backoff=5, on_give_up=_failed)
def message_deliver(message_id: int) -> None:
    """Hand one outgoing message to its channel's connector."""
    from .services import message_delivery_set

    message = (
        Message.objects.select_related("conversation__channel")
        .prefetch_related("attachments")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.delivery != Message.Delivery.PENDING:
        return  # deleted, or a repeated run after it was handed over
    channel = message.conversation.channel
    if channel.is_deleted:
        raise GiveUp("the channel was deleted")
    connector = connector_for(channel.kind)
    if not connector.can_start(message.conversation):
        raise GiveUp(NOT_JOINED)
    sent = connector.send(message)
    message_delivery_set(
        message_id=message.pk,
        delivery=Message.Delivery.DELIVERED if sent.delivered else Message.Delivery.SENT,
        external_id=sent.external_id,
    )
