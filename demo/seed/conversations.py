"""The demo shop's web chat with a few conversations (one with a client, one from a visitor
not yet linked, waiting with unread messages, one closed), and a second chat only its owner
(admin) sees, to show channel access."""

from datetime import timedelta

from django.utils import timezone

from clients.models import Client
from conversations import services as conversation_services
from conversations.models import Channel, Conversation, Message

from .content import Content


def load(content: Content, employees) -> None:
    admin, manager = employees[:2]
    site_name, private_name = content.chat_names
    site = conversation_services.channel_create(
        actor=admin, kind=Channel.Kind.WEBCHAT, name=site_name
    )
    private = conversation_services.channel_create(
        actor=admin, kind=Channel.Kind.WEBCHAT, name=private_name, access="owner"
    )
    client = Client.objects.filter(phones__notify=True).order_by("pk").first()
    now = timezone.now()
    # The first thread is the client's, the last one arrives on the owner's private line.
    channels = [site, site, site, private]
    for hours, (channel, (name, lines, closed)) in enumerate(
        zip(channels, content.threads, strict=True)
    ):
        conversation = conversation_services.conversation_for_contact(
            channel=channel, external_id=f"demo-visitor-{hours + 1}", name=name
        )
        if hours == 0 and client is not None:
            conversation_services.conversation_link_client(
                actor=admin, conversation=conversation, client=client
            )
        for direction, text in lines:
            if direction == "in":
                conversation_services.message_receive(conversation=conversation, text=text)
            else:
                message = conversation_services.message_send(
                    actor=manager, conversation=conversation, text=text
                )
                conversation_services.message_delivery_set(
                    message_id=message.pk, delivery=Message.Delivery.DELIVERED
                )
        if closed:
            conversation_services.conversation_close(actor=manager, conversation=conversation)
        # Spread the threads over the last hours, their messages a few minutes apart.
        start = now - timedelta(hours=2 * hours + 1)
        for minutes, message in enumerate(conversation.messages.order_by("pk")):
            Message.objects.filter(pk=message.pk).update(
                created_at=start + timedelta(minutes=4 * minutes)
            )
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=start, last_activity_at=start + timedelta(minutes=4 * (len(lines) - 1))
        )
