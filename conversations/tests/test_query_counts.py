"""The inbox, the client's section and the conversation view read a fixed number of queries
however many conversations and messages there are: 5 or 100."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import Channel, Conversation, Message
from conversations.services import IncomingFile
from documents.orders import order_create

from .factories import ChannelFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 100
MAX_QUERIES = 12
# The client profile's frame (the client, its phones and tags, each tab's count) reads 7 more.
MAX_QUERIES_IN_PROFILE = MAX_QUERIES + 11
HX = {"HTTP_HX_REQUEST": "true"}


def add_conversations(count: int, *, channels, clients, employees, start: int) -> None:
    now = timezone.now()
    Conversation.objects.bulk_create(
        [
            Conversation(
                channel=channels[i % len(channels)],
                client=clients[i % len(clients)] if i % 3 else None,
                contact_name=f"Contact {i}",
                external_id=f"ext-{i}",
                assignee=employees[i % len(employees)] if i % 2 else None,
                unread_count=i % 4,
                last_message_preview=f"Preview {i}",
                last_activity_at=now - timedelta(minutes=i),
            )
            for i in range(start, start + count)
        ]
    )


def add_messages(conversation, count: int, *, author, start: int) -> None:
    Message.objects.bulk_create(
        [
            Message(
                conversation=conversation,
                direction="out" if i % 2 else "in",
                author=author if i % 2 else None,
                delivery="sent" if i % 2 else "received",
                text=f"Message {i}",
            )
            for i in range(start, start + count)
        ]
    )
    # Every few messages carries a file: the history shows them without a query each.
    for i in range(0, count, 4):
        services.message_receive(
            conversation=conversation,
            text=f"With file {start + i}",
            files=[IncomingFile(name=f"n{i}.txt", content_type="text/plain", content=b"x")],
        )


def count_queries(http, path, params=None, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, params or {}, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


def measure(http, conversation, client) -> dict:
    detail = f"/conversations/{conversation.pk}/"
    first = conversation.messages.order_by("pk").first()
    tab = f"/clients/{client.pk}/communications/"
    return {
        "inbox": count_queries(http, "/conversations/"),
        "inbox htmx": count_queries(http, "/conversations/", {"status": "all"}, **HX),
        "inbox search": count_queries(http, "/conversations/", {"search": "contact 1"}, **HX),
        "inbox page 2": count_queries(http, "/conversations/", {"page": 2, "scope": "all"}, **HX),
        "detail": count_queries(http, detail),
        "detail htmx": count_queries(http, detail, **HX),
        "header": count_queries(http, f"{detail}header/", **HX),
        "earlier": count_queries(http, f"{detail}messages/", {"before": 10**9}, **HX),
        "after": count_queries(http, f"{detail}messages/", {"after": first.pk}, **HX),
        "section": count_queries(http, tab, {"section": "conversations"}),
        "section open": count_queries(
            http, tab, {"section": "conversations", "conversation": conversation.pk}
        ),
        "section list": count_queries(
            http, tab, {"section": "conversations", "part": "list"}, **HX
        ),
    }


def test_the_same_queries_for_5_and_100(client, manager, make_employee, admin):
    employees = [manager, make_employee("manager"), admin]
    channels = [
        ChannelFactory(owner=admin),
        ChannelFactory(owner=admin, access=Channel.Access.SELECTED, members=[manager]),
        ChannelFactory(owner=manager, access=Channel.Access.OWNER),
    ]
    clients = [ClientFactory(first_name="Ana"), ClientFactory(first_name="Bruno")]
    ana = clients[0]
    ana.phones.create(number="+5511987654321")
    order_create(actor=manager, client=ana, manager=manager)
    order_create(actor=manager, client=ana, manager=manager)
    add_conversations(SMALL, channels=channels, clients=clients, employees=employees, start=0)
    conversation = Conversation.objects.filter(client=ana).first()
    add_messages(conversation, SMALL, author=manager, start=0)
    client.force_login(manager)

    small = measure(client, conversation, ana)
    add_conversations(LARGE, channels=channels, clients=clients, employees=employees, start=SMALL)
    add_messages(conversation, LARGE, author=manager, start=SMALL)
    for extra in range(3):
        order_create(actor=manager, client=ana, manager=manager, order_type=f"extra {extra}")
    large = measure(client, conversation, ana)
    assert small == large
    in_profile = {name: n for name, n in large.items() if name.startswith("section")}
    own = {name: n for name, n in large.items() if name not in in_profile}
    assert max(own.values()) <= MAX_QUERIES, own
    assert max(in_profile.values()) <= MAX_QUERIES_IN_PROFILE, in_profile
