"""Conversations started at once (real threads, each on its own connection, released
together): a double click on Start, or two employees starting one with the same client, makes
one conversation, and every request gets that one.

``conversation_start`` locks the client's row (``SELECT … FOR UPDATE``): the second request
waits, then finds the conversation the first one opened. The race needs PostgreSQL:
``select_for_update`` does nothing on SQLite, whose IMMEDIATE transactions already run one
writer at a time (and whose in-memory test database cannot be shared between threads).
"""

import pytest
from django.db import connection

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import Conversation
from documents.tests.test_documents_concurrency import race

from .factories import ChannelFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are raced on PostgreSQL only")


@pytest.fixture
def employees(postgres):
    restore_builtin_roles()  # a transactional test empties every table when it ends
    return [EmployeeFactory(role_code="manager") for _ in range(2)]


def test_starting_at_once_makes_one_conversation(employees):
    client = ClientFactory()
    channel = ChannelFactory()
    other_channel = ChannelFactory()

    def starter(index):
        def start():
            return services.conversation_start(
                actor=employees[index % 2], channel=channel, client=client
            ).pk

        return start

    started = race([starter(i) for i in range(THREADS)])
    assert Conversation.objects.filter(channel=channel, client=client).count() == 1
    assert set(started) == {Conversation.objects.get(channel=channel).pk}
    # Another channel is another conversation.
    services.conversation_start(actor=employees[0], channel=other_channel, client=client)
    assert Conversation.objects.filter(client=client).count() == 2


def test_different_clients_start_at_once_without_waiting_for_each_other(employees):
    clients = [ClientFactory() for _ in range(THREADS)]
    channel = ChannelFactory()

    def starter(index):
        def start():
            return services.conversation_start(
                actor=employees[0], channel=channel, client=clients[index]
            ).client_id

        return start

    assert sorted(race([starter(i) for i in range(THREADS)])) == sorted(c.pk for c in clients)
    assert Conversation.objects.filter(channel=channel).count() == THREADS
