"""The access matrix: each built-in role by each channel access setting, for the API (list,
the client filter, detail, messages, sending, close, reopen) and the WebSocket.

A conversation is visible when the role grants "Conversation access" and the channel lets
the employee in: every employee, the selected ones (the owner included), or the owner
alone — "Full access" grants every permission, not someone else's owner-only channel.
Without the permission the API answers 403 and the WebSocket refuses; outside the channel
it answers 404 and the socket stays silent. A denied request changes nothing."""

import pytest

from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import Channel, Conversation, Message

from .factories import ChannelFactory, ConversationFactory
from .websocket import (
    committed,
    connect,
    frames,
    in_db,
    realtime,  # noqa: F401  the fixture
    run,
    session_cookie,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("realtime")]

API = "/api/v1/conversations/"
ROLES = ["manager", "specialist", "admin", "full_access"]
SETTINGS = ["all", "selected, a member", "selected, not a member", "owner: self", "owner: other"]
ALLOWED_SETTINGS = {"all", "selected, a member", "owner: self"}


def make_channel(setting: str, employee, other, bystander) -> Channel:
    if setting == "all":
        return ChannelFactory(owner=other, access=Channel.Access.ALL)
    if setting == "selected, a member":
        return ChannelFactory(owner=other, access=Channel.Access.SELECTED, members=[employee])
    if setting == "selected, not a member":
        return ChannelFactory(owner=other, access=Channel.Access.SELECTED, members=[bystander])
    if setting == "owner: self":
        return ChannelFactory(owner=employee, access=Channel.Access.OWNER)
    return ChannelFactory(owner=other, access=Channel.Access.OWNER)


def snapshot() -> dict:
    return {
        "conversations": list(Conversation.objects.order_by("pk").values()),
        "messages": list(Message.objects.order_by("pk").values()),
    }


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(api_as, make_employee, role, setting):
    employee = make_employee(role)
    other, bystander = make_employee("admin"), make_employee("manager")
    channel = make_channel(setting, employee, other, bystander)
    client = ClientFactory()
    conversation = ConversationFactory(channel=channel, client=client)
    services.message_receive(conversation=conversation, text="Hello")
    permitted = role != "specialist"
    visible = permitted and setting in ALLOWED_SETTINGS
    api = api_as(employee)
    one = f"{API}{conversation.pk}/"

    def status_for(allowed_status: int) -> int:
        # Without the permission, one conversation's URLs are 404 like any conversation
        # outside access (the list and "start one" are 403).
        return allowed_status if visible else 404

    # Reading
    for params in ({}, {"client": client.pk}):
        response = api.get(API, params)
        assert response.status_code == (200 if permitted else 403)
        if permitted:
            ids = [row["id"] for row in response.json()["results"]]
            assert (conversation.pk in ids) is visible
    assert api.get(one).status_code == status_for(200)
    assert api.get(one + "messages/").status_code == status_for(200)

    # The WebSocket
    cookie = session_cookie(employee)

    def new_message():
        with committed():
            services.message_receive(conversation=conversation, text="Are you there?")

    async def scenario():
        ws, connected, code = await connect(cookie)
        if not connected:
            return connected, code, []
        await in_db(new_message)()
        received = await frames(ws, wait=0.5)
        await ws.disconnect()
        return connected, code, received

    connected, code, received = run(scenario)()
    assert connected is permitted
    if not permitted:
        assert code == 4403
    assert [f["conversation"] for f in received if f.get("type") == "conversation"] == (
        [conversation.pk] if visible else []
    )

    # Changing
    before = snapshot()
    sent = api.post(one + "messages/", {"text": "On my way"}, format="json")
    assert sent.status_code == status_for(201)
    closed = api.post(one + "close/")
    assert closed.status_code == status_for(200)
    reopened = api.post(one + "reopen/")
    assert reopened.status_code == status_for(200)
    if not visible:
        assert snapshot() == before
    else:
        conversation.refresh_from_db()
        assert conversation.status == "open" and conversation.messages.count() == 3


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", ""),
        ("post", ""),
        ("get", "{id}/"),
        ("get", "{id}/messages/"),
        ("post", "{id}/messages/"),
        ("post", "{id}/close/"),
        ("post", "{id}/reopen/"),
        ("post", "{id}/assign/"),
        ("post", "{id}/read/"),
    ],
)
def test_without_credentials_every_endpoint_is_401(api_client, method, path):
    conversation = ConversationFactory()
    before = snapshot()
    response = getattr(api_client, method)(API + path.format(id=conversation.pk), {}, format="json")
    assert response.status_code == 401
    assert snapshot() == before


def test_a_wrong_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get(API).status_code == 401


def test_the_browser_session_works_too(client, manager):
    conversation = ConversationFactory()
    client.force_login(manager)
    assert client.get(f"{API}{conversation.pk}/").status_code == 200
