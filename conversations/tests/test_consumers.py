"""``/ws/conversations/``: who may connect, which events each socket receives, how losing
access stops them at once, and the limits on what a browser may send."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from accounts.models import Role
from conversations import services
from conversations.models import Channel, Message
from jobs.testing import run_tasks

from .factories import ChannelFactory, ConversationFactory
from .websocket import (
    closed_with,
    committed,
    connect,
    frames,
    in_db,
    realtime,  # noqa: F401  the fixture
    run,
    session_cookie,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("realtime")]


@pytest.fixture
def world(make_employee, manager):
    boss = make_employee("admin")
    channels = {
        "all": ChannelFactory(owner=boss, access=Channel.Access.ALL),
        "selected": ChannelFactory(owner=boss, access=Channel.Access.SELECTED, members=[manager]),
        "theirs": ChannelFactory(owner=boss, access=Channel.Access.OWNER),
        "mine": ChannelFactory(owner=manager, access=Channel.Access.OWNER),
    }
    return {
        "boss": boss,
        "channels": channels,
        "conversations": {name: ConversationFactory(channel=ch) for name, ch in channels.items()},
    }


def incoming(conversation, text="Is my phone ready? <script>alert(1)</script>"):
    with committed():
        return services.message_receive(conversation=conversation, text=text)


def conversation_ids(received: list[dict]) -> list[int]:
    return [frame["conversation"] for frame in received if frame.get("type") == "conversation"]


# --- Who may connect ---------------------------------------------------------------------------


def test_a_signed_out_visitor_is_refused(world):
    async def scenario():
        _, connected, code = await connect(None)
        return connected, code

    assert run(scenario)() == (False, 4403)


def test_a_stale_or_forged_session_cookie_is_refused(world):
    async def scenario():
        _, connected, code = await connect("not-a-session-key")
        return connected, code

    assert run(scenario)() == (False, 4403)


@pytest.mark.parametrize("origin", [None, (b"origin", b"https://evil.example")])
def test_another_site_cannot_open_the_socket_with_the_employees_cookie(manager, origin):
    cookie = session_cookie(manager)

    async def scenario():
        _, connected, _code = await connect(cookie, origin=origin)
        return connected

    assert run(scenario)() is False


def test_an_employee_without_conversation_access_is_refused(world, specialist):
    cookie = session_cookie(specialist)

    async def scenario():
        _, connected, code = await connect(cookie)
        return connected, code

    assert run(scenario)() == (False, 4403)


def test_an_inactive_employee_is_refused(world, manager):
    cookie = session_cookie(manager)
    manager.is_active = False
    manager.save()

    async def scenario():
        _, connected, _code = await connect(cookie)
        return connected

    assert run(scenario)() is False


# --- Which events arrive -----------------------------------------------------------------------


def test_an_event_of_an_accessible_channel_arrives_as_ids_without_text(world, manager):
    cookie = session_cookie(manager)
    conversation = world["conversations"]["all"]

    async def scenario():
        ws, connected, _ = await connect(cookie)
        assert connected
        message = await in_db(incoming)(conversation)
        output = await ws.receive_output(timeout=2)
        await ws.disconnect()
        return message, output["text"]

    message, raw = run(scenario)()
    frame = json.loads(raw)
    assert frame == {
        "type": "conversation",
        "event": "message",
        "conversation": conversation.pk,
        "client": None,
        "message": message.pk,
        "at": frame["at"],
    }
    assert "phone" not in raw and "script" not in raw


def test_each_employee_receives_only_the_channels_they_may_see(world, manager, make_employee):
    other_manager = make_employee("manager")
    full_access = make_employee("full_access")
    cookies = {
        "manager": session_cookie(manager),
        "other": session_cookie(other_manager),
        "boss": session_cookie(world["boss"]),
        "full": session_cookie(full_access),
    }
    conversations = world["conversations"]

    async def scenario():
        sockets = {}
        for name, cookie in cookies.items():
            ws, connected, _ = await connect(cookie)
            assert connected, name
            sockets[name] = ws
        for name in ["all", "selected", "theirs", "mine"]:
            await in_db(incoming)(conversations[name])
        received = {name: conversation_ids(await frames(ws)) for name, ws in sockets.items()}
        for ws in sockets.values():
            await ws.disconnect()
        return received

    received = run(scenario)()
    ids = {name: conversation.pk for name, conversation in conversations.items()}
    assert received == {
        "manager": [ids["all"], ids["selected"], ids["mine"]],
        "other": [ids["all"]],
        "boss": [ids["all"], ids["selected"], ids["theirs"]],
        # Full access grants every permission, not other people's owner-only channels.
        "full": [ids["all"]],
    }


def test_status_and_assignment_changes_arrive_too(world, manager):
    cookie = session_cookie(manager)
    conversation = world["conversations"]["all"]

    def changes():
        with committed():
            services.conversation_close(actor=manager, conversation=conversation)
        with committed():
            services.conversation_assign(actor=manager, conversation=conversation, assignee=manager)

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(changes)()
        received = await frames(ws)
        await ws.disconnect()
        return received

    assert [(f["event"], f["conversation"]) for f in run(scenario)()] == [
        ("status", conversation.pk),
        ("assigned", conversation.pk),
    ]


def test_delivery_changes_reach_the_socket_naming_the_messages(world, manager):
    """Sending → delivered by the worker, and delivered because the web chat visitor's
    widget fetched them: each change is pushed, naming the messages the page must fetch
    again (an event without them left the page showing "Sending")."""
    cookie = session_cookie(manager)
    channel = world["channels"]["all"]
    conversation = ConversationFactory(channel=channel, external_id="v" * 24)
    http = Client()

    def send(text):
        with committed():
            return services.message_send(actor=manager, conversation=conversation, text=text)

    def worker():
        with committed():
            assert run_tasks() == 1

    def visitor_polls():
        url = reverse("conversations:webchat_messages", args=[channel.public_key])
        with committed():
            response = http.get(url, {"token": conversation.external_id})
        assert response.status_code == 200

    async def scenario():
        ws, connected, _ = await connect(cookie)
        assert connected
        first = await in_db(send)("Seu notebook está pronto")
        await in_db(worker)()  # the worker hands it over: delivered (a bound visitor)
        second = await in_db(send)("Pode buscar até as 18h")
        third = await in_db(send)("Traga o carregador")
        await in_db(visitor_polls)()  # the widget fetched both before the worker ran
        received = await frames(ws)
        await ws.disconnect()
        return (first.pk, second.pk, third.pk), received

    (first, second, third), received = run(scenario)()
    assert [(f["event"], f["conversation"], f["message"], f.get("messages")) for f in received] == [
        ("message", conversation.pk, first, None),
        ("delivery", conversation.pk, first, None),
        ("message", conversation.pk, second, None),
        ("message", conversation.pk, third, None),
        ("delivery", conversation.pk, None, [second, third]),
    ]
    statuses = set(conversation.messages.values_list("delivery", flat=True))
    assert statuses == {Message.Delivery.DELIVERED}


# --- Losing access stops the events at once ----------------------------------------------------


@pytest.fixture
def no_safety_net(realtime, monkeypatch):  # noqa: F811
    """Access is re-read only because of the access-change broadcast, never by age."""
    monkeypatch.setattr(realtime, "ACCESS_TTL", 3600.0)


@pytest.mark.usefixtures("no_safety_net")
def test_a_role_that_loses_conversation_access_closes_the_socket(world, manager):
    cookie = session_cookie(manager)
    role = Role.objects.get(system_code="manager")
    conversation = world["conversations"]["all"]

    def revoke():
        with committed():
            permissions = [p for p in role.permissions if p != "communications.conversations"]
            accounts.role_save(
                actor=world["boss"], role=role, name=role.name, permissions=permissions
            )

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(incoming)(conversation)
        before = await frames(ws)
        await in_db(revoke)()
        await in_db(incoming)(conversation)
        after = await frames(ws)
        return before, after

    before, after = run(scenario)()
    assert conversation_ids(before) == [conversation.pk]
    assert after == [{"close": 4403}]


@pytest.mark.usefixtures("no_safety_net")
def test_a_custom_role_whose_permissions_change_follows_at_once(world, make_employee):
    role = Role.objects.create(name="Reception", permissions=["communications.conversations"])
    receptionist = make_employee(role=role)
    cookie = session_cookie(receptionist)
    conversation = world["conversations"]["all"]

    def set_permissions(permissions):
        with committed():
            accounts.role_save(
                actor=world["boss"], role=role, name=role.name, permissions=permissions
            )

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(set_permissions)(["communications.conversations", "clients.view"])
        await in_db(incoming)(conversation)
        still = await frames(ws)
        await in_db(set_permissions)(["clients.view"])
        await in_db(incoming)(conversation)
        return still, await frames(ws)

    still, after = run(scenario)()
    assert conversation_ids(still) == [conversation.pk]
    assert after == [{"close": 4403}]


@pytest.mark.usefixtures("no_safety_net")
def test_removed_from_a_selected_channel_stops_its_events_but_not_others(world, manager, admin):
    cookie = session_cookie(manager)
    selected = world["channels"]["selected"]
    conversations = world["conversations"]

    def remove_manager():
        with committed():
            services.channel_update(
                actor=world["boss"],
                channel=selected,
                name=selected.name,
                access=Channel.Access.SELECTED,
                members=[admin],
            )

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(incoming)(conversations["selected"])
        before = await frames(ws)
        await in_db(remove_manager)()
        await in_db(incoming)(conversations["selected"])
        await in_db(incoming)(conversations["all"])
        after = await frames(ws)
        await ws.disconnect()
        return before, after

    before, after = run(scenario)()
    assert conversation_ids(before) == [conversations["selected"].pk]
    assert conversation_ids(after) == [conversations["all"].pk]


@pytest.mark.usefixtures("no_safety_net")
def test_members_changed_directly_are_noticed_too(world, manager):
    cookie = session_cookie(manager)
    selected = world["channels"]["selected"]

    def remove_directly():
        with committed():
            selected.members.remove(manager)

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(remove_directly)()
        await in_db(incoming)(world["conversations"]["selected"])
        received = await frames(ws)
        await ws.disconnect()
        return received

    assert run(scenario)() == []


@pytest.mark.usefixtures("no_safety_net")
@pytest.mark.parametrize(
    "change, code",
    [
        ("role", 4403),  # another role, without conversation access
        ("deactivated", 4401),
        ("deleted", 4401),
        ("password", 4401),  # a changed password signs the other sessions out
        ("signed out", 4401),
    ],
)
def test_an_employee_change_closes_their_socket_before_the_next_event(
    world, make_employee, change, code
):
    employee = make_employee("manager")
    cookie = session_cookie(employee)
    conversation = world["conversations"]["all"]

    def apply():
        with committed():
            if change == "role":
                employee.role = Role.objects.get(system_code="specialist")
                employee.save()
            elif change == "deactivated":
                accounts.employee_update(
                    actor=world["boss"], employee=employee, data={"is_active": False}
                )
            elif change == "deleted":
                employee.delete()
            elif change == "password":
                accounts.employee_update(
                    actor=world["boss"], employee=employee, data={}, password="A-new-secret-9"
                )
            else:
                http = Client()
                http.cookies[settings.SESSION_COOKIE_NAME] = cookie
                assert http.post(reverse("accounts:logout")).status_code == 302

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(apply)()
        await in_db(incoming)(conversation)
        return await frames(ws)

    assert run(scenario)() == [{"close": code}]


def test_a_change_no_signal_sees_is_caught_within_the_access_ttl(
    world,
    manager,
    realtime,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(realtime, "ACCESS_TTL", 3600.0)
    cookie = session_cookie(manager)
    conversation = world["conversations"]["all"]

    def revoke_behind_the_back():
        # A bulk update fires no signal: only the periodic re-read can notice it.
        Role.objects.filter(system_code="manager").update(permissions=["clients.view"])

    async def scenario():
        ws, _, _ = await connect(cookie)
        await in_db(revoke_behind_the_back)()
        realtime.ACCESS_TTL = 0.0
        await in_db(incoming)(conversation)
        return await frames(ws)

    assert run(scenario)() == [{"close": 4403}]


@pytest.mark.usefixtures("no_safety_net")
def test_a_new_channel_shared_with_everyone_is_seen_without_reconnecting(world, manager):
    cookie = session_cookie(manager)

    def new_channel_and_message():
        with committed():
            channel = services.channel_create(
                actor=world["boss"], kind="webchat", name="Site chat", access="all"
            )
        conversation = ConversationFactory(channel=channel)
        incoming(conversation)
        return conversation

    async def scenario():
        ws, _, _ = await connect(cookie)
        conversation = await in_db(new_channel_and_message)()
        received = await frames(ws)
        await ws.disconnect()
        return conversation, received

    conversation, received = run(scenario)()
    assert conversation_ids(received) == [conversation.pk]


# --- Limits ------------------------------------------------------------------------------------


def test_pings_are_answered_and_too_many_frames_close_with_4429(world, manager, realtime):  # noqa: F811
    cookie = session_cookie(manager)

    async def scenario():
        ws, _, _ = await connect(cookie)
        await ws.send_json_to({"type": "ping"})
        pong = await ws.receive_json_from(timeout=2)
        for _ in range(realtime.RATE_LIMIT):
            await ws.send_json_to({"type": "ping"})
        return pong, await closed_with(ws)

    pong, code = run(scenario)()
    assert pong == {"type": "pong"}
    assert code == 4429


@pytest.mark.parametrize(
    "frame, code",
    [
        ({"bytes_data": b"\x00\x01"}, 1003),
        ({"text_data": json.dumps({"type": "ping", "pad": "x" * 2000})}, 1009),
    ],
)
def test_binary_and_oversized_frames_close_the_socket(world, manager, frame, code):
    cookie = session_cookie(manager)

    async def scenario():
        ws, _, _ = await connect(cookie)
        await ws.send_to(**frame)
        return await closed_with(ws)

    assert run(scenario)() == code


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"type": "subscribe", "all": true}', " "])
def test_other_frames_are_ignored_and_change_nothing(world, manager, text):
    cookie = session_cookie(manager)
    conversation = world["conversations"]["all"]

    async def scenario():
        ws, _, _ = await connect(cookie)
        await ws.send_to(text_data=text)
        silent = await frames(ws, wait=0.1)
        await in_db(incoming)(world["conversations"]["theirs"])
        await in_db(incoming)(conversation)
        received = await frames(ws)
        await ws.disconnect()
        return silent, received

    silent, received = run(scenario)()
    assert silent == []
    assert conversation_ids(received) == [conversation.pk]


def test_connections_per_employee_are_capped(world, manager, admin, realtime, monkeypatch):  # noqa: F811
    monkeypatch.setattr(realtime, "MAX_CONNECTIONS_PER_EMPLOYEE", 2)
    cookie = session_cookie(manager)
    other = session_cookie(admin)

    async def scenario():
        first, ok1, _ = await connect(cookie)
        second, ok2, _ = await connect(cookie)
        third, ok3, _ = await connect(cookie)
        third_code = await closed_with(third)
        someone_else, ok4, _ = await connect(other)
        await first.disconnect()
        again, ok5, _ = await connect(cookie)
        for ws in (second, someone_else, again):
            await ws.disconnect()
        return ok1, ok2, ok3, third_code, ok4, ok5, dict(realtime.open_sockets)

    ok1, ok2, ok3, third_code, ok4, ok5, left = run(scenario)()
    assert (ok1, ok2) == (True, True)
    assert (ok3, third_code) == (True, 4429)  # accepted, then closed: the page backs off
    assert ok4 is True and ok5 is True
    assert left == {}


# --- The per-process access cache --------------------------------------------------------------


def test_tabs_of_one_session_share_one_access_read(world, manager, realtime):  # noqa: F811
    cookie = session_cookie(manager)
    reads = []
    original = realtime._read_access

    def counting(scope):
        reads.append(scope["user"].pk)
        return original(scope)

    realtime._read_access = counting
    try:

        async def scenario():
            sockets = [(await connect(cookie))[0] for _ in range(3)]
            for ws in sockets:
                await ws.disconnect()

        run(scenario)()
    finally:
        realtime._read_access = original
    assert reads == [manager.pk]


def test_the_cache_counts_one_broadcast_once_and_drops_reads_that_raced_a_change(realtime):  # noqa: F811
    cache = realtime.AccessCache()
    assert cache.read((1, "s"), lambda: frozenset({1})) == frozenset({1})
    assert cache.read((1, "s"), lambda: frozenset({2})) == frozenset({1})
    cache.changed("change-1")
    assert cache.read((1, "s"), lambda: frozenset({2})) == frozenset({2})
    cache.changed("change-1")  # the same broadcast, heard by another socket
    assert cache.read((1, "s"), lambda: frozenset({3})) == frozenset({2})

    cache.changed("change-2")

    def read_while_access_changes():
        cache.changed("change-3")
        return frozenset({4})

    assert cache.read((1, "s"), read_while_access_changes) == frozenset({4})
    # That answer was read before the change finished: it is not kept.
    assert cache.read((1, "s"), lambda: frozenset({5})) == frozenset({5})


def test_a_message_sent_through_the_api_reaches_the_socket(world, manager, admin, api_as):
    cookie = session_cookie(manager)
    conversation = world["conversations"]["all"]
    api = api_as(admin)

    def send():
        with committed():
            response = api.post(
                f"/api/v1/conversations/{conversation.pk}/messages/",
                {"text": "Ready for pickup"},
                format="json",
            )
        assert response.status_code == 201
        return response.json()["id"]

    async def scenario():
        ws, _, _ = await connect(cookie)
        message_id = await in_db(send)()
        received = await frames(ws)
        await ws.disconnect()
        return message_id, received

    message_id, received = run(scenario)()
    assert [(f["event"], f["conversation"], f["message"]) for f in received] == [
        ("message", conversation.pk, message_id)
    ]


@pytest.mark.usefixtures("no_safety_net")
def test_signing_out_closes_only_that_sessions_sockets_and_rereads_nothing(
    world,
    manager,
    realtime,  # noqa: F811
):
    phone, desk = session_cookie(manager), session_cookie(manager)
    conversation = world["conversations"]["all"]
    reads = []
    original = realtime._read_access

    def counting(scope):
        reads.append(scope["session"].session_key)
        return original(scope)

    def sign_out_phone():
        with committed():
            http = Client()
            http.cookies[settings.SESSION_COOKIE_NAME] = phone
            assert http.post(reverse("accounts:logout")).status_code == 302

    async def scenario():
        on_phone, _, _ = await connect(phone)
        on_desk, _, _ = await connect(desk)
        realtime._read_access = counting
        await in_db(sign_out_phone)()
        await in_db(incoming)(conversation)
        phone_frames, desk_frames = await frames(on_phone), await frames(on_desk)
        await on_desk.disconnect()
        return phone_frames, desk_frames

    try:
        phone_frames, desk_frames = run(scenario)()
    finally:
        realtime._read_access = original
    assert phone_frames == [{"close": 4401}]
    assert conversation_ids(desk_frames) == [conversation.pk]
    assert reads == []


@pytest.mark.usefixtures("no_safety_net")
def test_after_an_access_change_each_socket_rereads_once(
    world,
    make_employee,
    realtime,  # noqa: F811
    monkeypatch,
):
    cookies = [session_cookie(make_employee("manager")) for _ in range(6)]
    conversation = world["conversations"]["all"]
    batches = []
    original = realtime.access_cache._read_many

    def counting(scopes):
        batches.append(len(scopes))
        return original(scopes)

    def access_changes():
        with committed():
            role = Role.objects.get(system_code="manager")
            accounts.role_save(
                actor=world["boss"], role=role, name=role.name, permissions=role.permissions
            )

    async def scenario():
        sockets = [(await connect(cookie))[0] for cookie in cookies]
        batches.clear()
        monkeypatch.setattr(realtime.access_cache, "_read_many", counting)
        await in_db(access_changes)()
        await in_db(incoming)(conversation)
        received = [conversation_ids(await frames(ws, wait=0.5)) for ws in sockets]
        for ws in sockets:
            await ws.disconnect()
        return received

    received = run(scenario)()
    assert received == [[conversation.pk]] * 6
    # Each socket read its access again exactly once. How many reads share a trip to the
    # database depends on timing (the benchmark measures it), so it is not asserted here.
    assert sum(batches) == 6, batches
