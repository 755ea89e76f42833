"""``/api/v1/conversations/``: listing, filtering, starting conversations, reading and
sending messages, closing, reopening, assigning — through the same services and access
rules as the pages; bad input is a 400 that changes nothing; a fixed number of queries
however much data there is."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from calls.tests.helpers import employee_with
from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import TEXT_MAX, Channel, Conversation, Message
from conversations.services import IncomingFile

from .factories import ChannelFactory, ConversationFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/conversations/"


@pytest.fixture
def data(make_employee, manager):
    boss = make_employee("admin")
    ana = ClientFactory(first_name="Ana", last_name="Lima")
    shop = ChannelFactory(owner=boss, name="Site chat")
    bot = TelegramChannelFactory(owner=boss, name="Bot")
    private = ChannelFactory(owner=boss, access=Channel.Access.OWNER, name="Boss only")
    with_ana = ConversationFactory(channel=shop, client=ana, contact_name="")
    visitor = ConversationFactory(
        channel=bot, contact_name="Visitor", contact_phone="+5511999990000"
    )
    hidden = ConversationFactory(channel=private, client=ana)
    return {
        "boss": boss,
        "ana": ana,
        "shop": shop,
        "bot": bot,
        "private": private,
        "with_ana": with_ana,
        "visitor": visitor,
        "hidden": hidden,
    }


def snapshot() -> dict:
    return {
        "conversations": list(Conversation.objects.order_by("pk").values()),
        "messages": list(Message.objects.order_by("pk").values()),
    }


def png(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


# --- Listing -----------------------------------------------------------------------------------


def test_the_list_shows_the_accessible_conversations_with_their_fields(api_as, manager, data):
    body = api_as(manager).get(API).json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {data["with_ana"].pk, data["visitor"].pk}
    visitor = data["visitor"]
    assert rows[visitor.pk] == {
        "id": visitor.pk,
        "channel": {"id": data["bot"].pk, "name": "Bot", "kind": "telegram", "deleted": False},
        "client": None,
        "display_name": "Visitor",
        "contact_name": "Visitor",
        "contact_phone": "+5511999990000",
        "status": "open",
        "assignee": None,
        "unread_count": 0,
        "last_message_preview": "",
        "last_activity_at": rows[visitor.pk]["last_activity_at"],
        "created_at": rows[visitor.pk]["created_at"],
        "closed_at": None,
    }
    assert rows[data["with_ana"].pk]["display_name"] == "Ana Lima"
    assert rows[data["with_ana"].pk]["client"] == data["ana"].pk


def test_no_secret_of_a_channel_or_conversation_is_ever_shown(api_as, manager, data):
    api = api_as(manager)
    bot, visitor = data["bot"], data["visitor"]
    services.message_receive(conversation=visitor, text="hello")
    answers = [
        api.get(API).content,
        api.get(f"{API}{visitor.pk}/").content,
        api.get(f"{API}{visitor.pk}/messages/").content,
        api.post(f"{API}{visitor.pk}/close/").content,
    ]
    secrets = [
        bot.credentials["bot_token"],
        bot.secret_token,
        bot.public_key,
        visitor.invite_token,  # joined already: the invite is spent and not shown
        visitor.external_id,
    ]
    for answer in answers:
        for secret in secrets:
            assert secret.encode() not in answer


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"client": "ana"}, {"with_ana"}),
        ({"status": "open"}, {"with_ana", "visitor"}),
        ({"status": "closed"}, set()),
        ({"channel": "bot"}, {"visitor"}),
        ({"channel": "private"}, set()),  # not a way to peek into another channel
        ({"assignee": "manager"}, {"with_ana"}),
        ({"unassigned": "true"}, {"visitor"}),
        ({"unassigned": "false"}, {"with_ana"}),
    ],
)
def test_filters(api_as, manager, data, params, expected):
    services.conversation_assign(actor=manager, conversation=data["with_ana"], assignee=manager)
    ids = {"ana": data["ana"].pk, "bot": data["bot"].pk, "private": data["private"].pk}
    ids["manager"] = manager.pk
    query = {key: ids.get(value, value) for key, value in params.items()}
    rows = api_as(manager).get(API, query).json()["results"]
    assert {row["id"] for row in rows} == {data[name].pk for name in expected}


@pytest.mark.parametrize(
    "params",
    [{"status": "archived"}, {"client": "abc"}, {"channel": "1.5"}],
)
def test_a_bad_filter_is_400(api_as, manager, data, params):
    response = api_as(manager).get(API, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_is_paginated_like_every_list(api_as, manager, data):
    for _ in range(3):
        ConversationFactory(channel=data["shop"])
    api = api_as(manager)
    first = api.get(API, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    assert api.get(API, {"page_size": 2, "page": 3}).json()["results"][0]["id"]
    assert api.get(API, {"page": 4, "page_size": 2}).status_code == 404
    assert len(api.get(API, {"page_size": 100_000}).json()["results"]) == 5


def test_the_most_recent_activity_comes_first(api_as, manager, data):
    services.message_receive(conversation=data["visitor"], text="first")
    services.message_receive(conversation=data["with_ana"], text="later")
    rows = api_as(manager).get(API).json()["results"]
    assert [row["id"] for row in rows] == [data["with_ana"].pk, data["visitor"].pk]
    assert rows[0]["last_message_preview"] == "later" and rows[0]["unread_count"] == 1


# --- One conversation --------------------------------------------------------------------------


def test_the_detail_offers_the_invite_link_until_the_client_joins(api_as, manager, data):
    bruno = ClientFactory(first_name="Bruno")
    started = services.conversation_start(actor=manager, channel=data["shop"], client=bruno)
    api = api_as(manager)
    invite = api.get(f"{API}{started.pk}/").json()["invite_url"]
    assert invite.startswith("http://testserver/chat/") and started.invite_token in invite
    assert api.get(f"{API}{data['visitor'].pk}/").json()["invite_url"] is None
    # The list never carries invite links.
    assert all("invite_url" not in row for row in api.get(API).json()["results"])


def test_a_conversation_outside_access_is_404_whatever_the_filters(api_as, manager, data):
    api = api_as(manager)
    assert api.get(f"{API}{data['hidden'].pk}/").status_code == 404
    assert api.get(f"{API}999999/").status_code == 404
    # The list's filters do not hide a detail.
    assert api.get(f"{API}{data['visitor'].pk}/", {"status": "closed"}).status_code == 200


# --- Starting one ------------------------------------------------------------------------------


def test_start_a_conversation(api_as, manager, data):
    response = api_as(manager).post(
        API, {"client": data["ana"].pk, "channel": data["bot"].pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    conversation = Conversation.objects.get(pk=body["id"])
    assert (conversation.client, conversation.channel) == (data["ana"], data["bot"])
    assert body["assignee"] == manager.pk and body["status"] == "open"
    assert body["invite_url"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "client"),
        ({"client": "ana"}, "channel"),
        ({"client": "abc", "channel": "shop"}, "client"),
        ({"client": None, "channel": "shop"}, "client"),
        ({"client": ["ana"], "channel": "shop"}, "client"),
        ({"client": 999999, "channel": "shop"}, "client"),
        ({"client": "ana", "channel": 999999}, "channel"),
        ({"client": "ana", "channel": "private"}, "channel"),  # someone else's owner-only
        ({"client": "ana", "channel": "deleted"}, "channel"),
        ({"client": "ana", "channel": "shop", "text": "hi"}, "text"),
        ({"client": -1, "channel": "shop"}, "client"),
    ],
)
def test_a_refused_start_is_400_and_creates_nothing(api_as, manager, data, payload, field):
    deleted = services.channel_delete(actor=data["boss"], channel=ChannelFactory(owner=manager))
    names = {"ana": data["ana"].pk, "shop": data["shop"].pk}
    names |= {"private": data["private"].pk, "deleted": deleted.pk}

    def resolve(value):
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    payload = {key: resolve(value) for key, value in payload.items()}
    before = snapshot()
    response = api_as(manager).post(API, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_starting_needs_a_client_the_employee_may_see(api_as, data):
    chat_only = employee_with("communications.conversations")
    before = snapshot()
    response = api_as(chat_only).post(
        API, {"client": data["ana"].pk, "channel": data["shop"].pk}, format="json"
    )
    assert response.status_code == 400 and "client" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json"])
def test_a_malformed_body_is_400(api_as, manager, data, body):
    response = api_as(manager).post(API, body, content_type="application/json")
    assert response.status_code == 400


# --- Messages ----------------------------------------------------------------------------------


def test_messages_newest_first_with_raw_text_and_attachments(api_as, manager, data):
    conversation = data["with_ana"]
    first = services.message_receive(conversation=conversation, text="<b>hi</b> & bye")
    photo = IncomingFile(name="photo.png", content_type="image/png", content=png())
    second = services.message_send(
        actor=manager, conversation=conversation, text="Here it is", files=[photo]
    )
    body = api_as(manager).get(f"{API}{conversation.pk}/messages/").json()
    assert body["count"] == 2
    newest, oldest = body["results"]
    attachment = second.attachments.get()
    assert newest == {
        "id": second.pk,
        "conversation": conversation.pk,
        "direction": "out",
        "text": "Here it is",
        "author": manager.pk,
        "author_name": str(manager),
        "delivery": "pending",
        "error": "",
        "created_at": newest["created_at"],
        "edited_at": None,
        "attachments": [
            {
                "id": attachment.pk,
                "name": "photo.png",
                "content_type": "image/png",
                "size": attachment.size,
                "url": f"http://testserver/conversations/attachments/{attachment.pk}/",
            }
        ],
    }
    # Stored and answered raw: JSON is not HTML, whoever shows it escapes it.
    assert (oldest["id"], oldest["text"]) == (first.pk, "<b>hi</b> & bye")
    assert oldest["author"] is None and oldest["author_name"] is None


def test_messages_page_upwards_with_before_and_catch_up_with_after(api_as, manager, data):
    conversation = data["with_ana"]
    ids = [
        services.message_receive(conversation=conversation, text=f"message {i}").pk
        for i in range(7)
    ]
    api = api_as(manager)
    url = f"{API}{conversation.pk}/messages/"

    def page(**params):
        return [row["id"] for row in api.get(url, params).json()["results"]]

    assert page(page_size=3) == ids[:-4:-1]
    assert page(page_size=3, page=2) == ids[3:0:-1]
    assert page(page_size=3, before=ids[4]) == ids[3:0:-1]
    assert page(after=ids[4]) == ids[:4:-1]
    assert page(after=ids[-1]) == []
    assert api.get(url, {"before": "x"}).status_code == 400


def test_sending_a_message(api_as, manager, data, django_capture_on_commit_callbacks):
    conversation = data["visitor"]
    services.conversation_close(actor=manager, conversation=conversation)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_as(manager).post(
            f"{API}{conversation.pk}/messages/", {"text": "  Your phone is ready  "}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["text"], body["direction"], body["delivery"]) == (
        "Your phone is ready",
        "out",
        "pending",
    )
    conversation.refresh_from_db()
    assert conversation.status == "open"  # a message reopens the conversation
    assert conversation.assignee == manager
    assert callbacks  # the delivery task and the WebSocket event, after the commit


def test_sending_a_file_as_multipart(api_as, manager, data):
    conversation = data["with_ana"]
    upload = io.BytesIO(png())
    upload.name = "../../etc/shot.png"
    response = api_as(manager).post(
        f"{API}{conversation.pk}/messages/", {"text": "", "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == "shot.png" and attachment["content_type"] == "image/png"


def test_a_file_that_is_not_what_it_claims_is_refused(api_as, manager, data):
    upload = io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
    upload.name = "photo.png"
    before = snapshot()
    response = api_as(manager).post(
        f"{API}{data['with_ana'].pk}/messages/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "   \n\t "},
        {},
        {"text": None},
        {"text": ["hi"]},
        {"text": {"html": "hi"}},
        {"text": "x" * (TEXT_MAX + 1)},
        {"text": "nul \x00 byte"},
        {"text": "hi", "author": 1},
        {"text": "hi", "file": "not a file"},
    ],
    ids=lambda p: json.dumps(p)[:40],
)
def test_a_refused_message_is_400_and_sends_nothing(api_as, manager, data, payload):
    before = snapshot()
    response = api_as(manager).post(f"{API}{data['with_ana'].pk}/messages/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"text", "author", "file"}
    assert snapshot() == before


def test_a_huge_body_is_refused(api_as, manager, data):
    before = snapshot()
    response = api_as(manager).post(
        f"{API}{data['with_ana'].pk}/messages/", {"text": "x" * 3_000_000}, format="json"
    )
    assert response.status_code in (400, 413)
    assert snapshot() == before


def test_exactly_the_longest_message_is_accepted(api_as, manager, data):
    response = api_as(manager).post(
        f"{API}{data['with_ana'].pk}/messages/", {"text": "é" * TEXT_MAX}, format="json"
    )
    assert response.status_code == 201


def test_a_deleted_channel_keeps_its_history_but_sends_nothing(api_as, manager, data):
    conversation = data["with_ana"]
    services.message_receive(conversation=conversation, text="old news")
    services.channel_delete(actor=data["boss"], channel=data["shop"])
    api = api_as(manager)
    assert api.get(f"{API}{conversation.pk}/").json()["channel"]["deleted"] is True
    assert api.get(f"{API}{conversation.pk}/messages/").json()["count"] == 1
    before = snapshot()
    response = api.post(f"{API}{conversation.pk}/messages/", {"text": "hello?"}, format="json")
    assert response.status_code == 400 and "detail" in response.json()
    assert snapshot() == before


# --- Close, reopen, assign, read ---------------------------------------------------------------


def test_close_and_reopen(api_as, manager, data):
    api = api_as(manager)
    url = f"{API}{data['visitor'].pk}/"
    closed = api.post(url + "close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert api.post(url + "close/").json()["status"] == "closed"  # again: no change, no error
    reopened = api.post(url + "reopen/").json()
    assert (reopened["status"], reopened["closed_at"]) == ("open", None)


def test_assign_and_unassign(api_as, manager, make_employee, data):
    colleague = make_employee("manager")
    api = api_as(manager)
    url = f"{API}{data['visitor'].pk}/assign/"
    assert api.post(url, {"assignee": colleague.pk}, format="json").json()["assignee"] == (
        colleague.pk
    )
    assert api.post(url, {"assignee": None}, format="json").json()["assignee"] is None


@pytest.mark.parametrize("who", ["specialist", "private owner only", "nobody", "text", "missing"])
def test_assigning_to_someone_who_cannot_see_it_is_400(api_as, manager, specialist, data, who):
    values = {
        "specialist": specialist.pk,
        "nobody": 999999,
        "text": "someone",
    }
    url = f"{API}{data['visitor'].pk}/assign/"
    if who == "private owner only":
        # The boss may see the visitor's channel; a manager who may not see the private one
        # cannot be given a conversation there — and the manager cannot reach it at all.
        url = f"{API}{data['hidden'].pk}/assign/"
        payload = {"assignee": manager.pk}
    elif who == "missing":
        payload = {}
    else:
        payload = {"assignee": values[who]}
    before = snapshot()
    response = api_as(manager).post(url, payload, format="json")
    assert response.status_code == (404 if who == "private owner only" else 400)
    assert snapshot() == before


def test_mark_read(api_as, manager, data):
    services.message_receive(conversation=data["visitor"], text="one")
    services.message_receive(conversation=data["visitor"], text="two")
    api = api_as(manager)
    url = f"{API}{data['visitor'].pk}/"
    assert api.get(url).json()["unread_count"] == 2
    assert api.get(url + "messages/").status_code == 200
    assert api.get(url).json()["unread_count"] == 2  # reading the list marks nothing
    assert api.post(url + "read/").json()["unread_count"] == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_conversations_are_not_edited_or_deleted_through_the_api(api_as, manager, data, method):
    before = snapshot()
    response = getattr(api_as(manager), method)(
        f"{API}{data['visitor'].pk}/", {"status": "closed"}, format="json"
    )
    assert response.status_code == 405
    assert snapshot() == before


# --- Query counts ------------------------------------------------------------------------------

SMALL, LARGE = 3, 60


def grow(data, manager, count: int) -> None:
    """``count`` more conversations (half linked to clients, all assigned) and ``count``
    more messages with an attachment each in the first one."""
    for i in range(count):
        client = ClientFactory() if i % 2 else None
        conversation = ConversationFactory(channel=data["shop"], client=client)
        services.conversation_assign(actor=manager, conversation=conversation, assignee=manager)
    for i in range(count):
        photo = IncomingFile(name=f"p{i}.png", content_type="image/png", content=png())
        services.message_send(
            actor=manager, conversation=data["with_ana"], text=f"m{i}", files=[photo]
        )


def queries(api, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def measure(api, data) -> dict:
    one = f"{API}{data['with_ana'].pk}/"
    return {
        "list": queries(api, API),
        "list by status": queries(api, API, {"status": "open"}),
        "detail": queries(api, one),
        "messages": queries(api, one + "messages/"),
    }


def test_query_counts_do_not_grow_with_the_data(api_as, manager, data):
    api = api_as(manager)
    grow(data, manager, SMALL)
    small = measure(api, data)
    grow(data, manager, LARGE)
    large = measure(api, data)
    assert small == large
    assert max(large.values()) <= 6, large
