import factory

from clients.tests.factories import ClientFactory
from sms.models import SmsMessage, SmsTemplate


class SmsTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmsTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    text = "Hello {client_name}"


class SmsMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmsMessage

    client = factory.SubFactory(ClientFactory)
    phone = "+5511987654321"
    text = "Hello"
    encoding = "gsm7"
    segments = 1
    provider = "outbox"
