"""Channels, conversations and messages for tests. Changes under test go through
``conversations.services``; these factories set up the rows a test starts from."""

import factory

from accounts.tests.factories import EmployeeFactory
from conversations.models import Channel, Conversation, Message


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        skip_postgeneration_save = True

    kind = Channel.Kind.WEBCHAT
    name = factory.Sequence(lambda n: f"Channel {n}")
    access = Channel.Access.ALL
    owner = factory.SubFactory(EmployeeFactory, role_code="admin")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class TelegramChannelFactory(ChannelFactory):
    kind = Channel.Kind.TELEGRAM
    credentials = factory.LazyFunction(lambda: {"bot_token": "123456:TEST-token-abcdefghij"})
    details = factory.LazyFunction(lambda: {"username": "oficina_test_bot"})


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    channel = factory.SubFactory(ChannelFactory)
    contact_name = factory.Faker("name")
    external_id = factory.Sequence(lambda n: f"visitor-{n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    direction = Message.Direction.INCOMING
    text = factory.Faker("sentence")
    delivery = Message.Delivery.RECEIVED
