import pytest

from clients.tests.factories import ClientFactory, ClientPhoneFactory
from sms.tests.fake_twilio import SID, TOKEN, FakeTwilio


@pytest.fixture
def ana(db):
    client = ClientFactory(first_name="Ana", last_name="Souza")
    ClientPhoneFactory(client=client, number="+5511987654321", notify=True)
    return client


@pytest.fixture
def twilio(settings):
    with FakeTwilio() as fake:
        settings.OFICINA_SMS_BACKEND = "twilio"
        settings.TWILIO_API_BASE_URL = fake.url
        settings.TWILIO_ACCOUNT_SID = SID
        settings.TWILIO_AUTH_TOKEN = TOKEN
        settings.TWILIO_FROM_NUMBER = "+15005550006"
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.OFICINA_PUBLIC_URL = "https://shop.example.com"
        yield fake
