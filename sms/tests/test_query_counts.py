"""Lists read in a fixed number of queries, however many messages there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.tests.factories import ClientFactory
from sms.models import SmsMessage

pytestmark = pytest.mark.django_db


def make(client, n):
    SmsMessage.objects.bulk_create(
        SmsMessage(
            client=client,
            phone="+5511987654321",
            text="x",
            encoding="gsm7",
            segments=1,
            provider="outbox",
        )
        for _ in range(n)
    )


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/clients/{c}/communications/?section=sms", "/sms/", "/api/v1/sms/", "/clients/{c}/sms/new/"],
)
def test_same_queries_for_10_and_2000_messages(client, manager, url):
    ana = ClientFactory()
    client.force_login(manager)
    make(ana, 10)
    client.get(url.format(c=ana.pk))  # warm up sessions and caches
    small = count(lambda: client.get(url.format(c=ana.pk)))
    make(ana, 1990)
    others = [ClientFactory() for _ in range(3)]
    for other in others:
        make(other, 5)
    large = count(lambda: client.get(url.format(c=ana.pk)))
    assert small == large
