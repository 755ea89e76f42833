"""Who sees which conversation in the pages: each built-in role and each channel access setting
decides the inbox, the client's Conversations section, the conversation view and its files.
Outside access everything answers 404 (existence is not leaked) and changes nothing."""

import re

import pytest

from clients.tests.factories import ClientFactory
from conversations import services
from conversations.models import Attachment, Channel, Conversation, Message
from conversations.services import IncomingFile

from .factories import ChannelFactory, ConversationFactory

pytestmark = pytest.mark.django_db

ROLES = ["manager", "specialist", "admin", "full_access"]
# (channel access, is the employee a selected member, is the employee the owner)
SETTINGS = {
    "all": (Channel.Access.ALL, False, False),
    "selected-member": (Channel.Access.SELECTED, True, False),
    "selected-other": (Channel.Access.SELECTED, False, False),
    "owner-me": (Channel.Access.OWNER, False, True),
    "owner-other": (Channel.Access.OWNER, False, False),
}
HAS_ACCESS = {"manager": True, "specialist": False, "admin": True, "full_access": True}
HX = {"HTTP_HX_REQUEST": "true"}


def expected(role: str, setting: str) -> bool:
    access, member, owner = SETTINGS[setting]
    return HAS_ACCESS[role] and (access == Channel.Access.ALL or member or owner)


@pytest.fixture
def world(make_employee):
    """A client with one conversation on a channel of each setting, each with a file."""

    def build(me):
        other = make_employee("admin")
        paula = ClientFactory(first_name="Paula")
        conversations = {}
        for name, (access, member, owner) in SETTINGS.items():
            channel = ChannelFactory(
                name=f"Channel {name}",
                access=access,
                owner=me if owner else other,
                members=[me] if member else [other],
            )
            conversation = ConversationFactory(channel=channel, client=paula)
            services.message_receive(
                conversation=conversation,
                text=f"message on {name}",
                files=[IncomingFile(name="nota.txt", content_type="text/plain", content=b"ok")],
            )
            conversations[name] = Conversation.objects.get(pk=conversation.pk)
        return paula, conversations

    return build


def snapshot() -> tuple:
    return (
        list(Conversation.objects.order_by("pk").values_list("status", "assignee", "client")),
        Message.objects.count(),
    )


def rows(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-conversation-row="(\d+)"', page)}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, make_employee, world, role):
    me = make_employee(role)
    paula, conversations = world(me)
    client.force_login(me)
    visible = {
        name: conversation for name, conversation in conversations.items() if expected(role, name)
    }
    visible_ids = {c.pk for c in visible.values()}

    # The inbox: the conversations of the channels the employee may access; 404 without any.
    inbox = client.get("/conversations/", {"status": "all"})
    if HAS_ACCESS[role]:
        assert inbox.status_code == 200
        assert rows(inbox.content.decode()) == visible_ids
    else:
        assert inbox.status_code == 404

    # The client's Communications tab: the section only with access, listing the same ones.
    tab = client.get(f"/clients/{paula.pk}/communications/", {"section": "conversations"})
    assert tab.status_code == 200
    page = tab.content.decode()
    assert ('data-section="conversations"' in page) is HAS_ACCESS[role]
    assert rows(page) == (visible_ids if HAS_ACCESS[role] else set())
    start = client.get(f"/clients/{paula.pk}/conversations/new/", **HX)
    assert start.status_code == (200 if HAS_ACCESS[role] else 404)

    for name, conversation in conversations.items():
        allowed = name in visible
        status = 200 if allowed else 404
        attachment = Attachment.objects.get(message__conversation=conversation)
        assert client.get(f"/conversations/{conversation.pk}/").status_code == status, name
        assert client.get(f"/conversations/{conversation.pk}/", **HX).status_code == status
        assert client.get(f"/conversations/{conversation.pk}/header/").status_code == status
        messages = client.get(f"/conversations/{conversation.pk}/messages/", {"after": 0})
        assert messages.status_code == status
        assert client.get(f"/conversations/attachments/{attachment.pk}/").status_code == status
        opened = client.get(
            f"/clients/{paula.pk}/communications/",
            {"section": "conversations", "conversation": conversation.pk},
        ).content.decode()
        assert (f'data-conversation="{conversation.pk}"' in opened) is allowed
        if not allowed:
            before = snapshot()
            for action, data in [
                ("messages", {"text": "intruder"}),
                ("close", {}),
                ("reopen", {}),
                ("assign", {"assignee": me.pk}),
                ("link-client", {"client": paula.pk}),
                ("create-client", {}),
            ]:
                response = client.post(f"/conversations/{conversation.pk}/{action}/", data, **HX)
                assert response.status_code == 404, (name, action)
            search = client.get(f"/conversations/{conversation.pk}/client-search/", {"q": "P"})
            assert search.status_code == 404
            assert snapshot() == before
            assert "intruder" not in str(Message.objects.values_list("text", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_starting_a_conversation_needs_the_channel(client, make_employee, role):
    me = make_employee(role)
    paula = ClientFactory(first_name="Paula")
    private = ChannelFactory(access=Channel.Access.OWNER, owner=make_employee("admin"))
    client.force_login(me)
    response = client.post(f"/clients/{paula.pk}/conversations/new/", {"channel": private.pk}, **HX)
    assert response.status_code == (200 if HAS_ACCESS[role] else 404)
    assert not Conversation.objects.exists()


def test_signed_out_pages_redirect_to_the_login(client):
    conversation = ConversationFactory()
    for url in ("/conversations/", f"/conversations/{conversation.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_an_inactive_employee_sees_nothing(client, make_employee):
    conversation = ConversationFactory()
    me = make_employee("manager")
    client.force_login(me)
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 200
    me.is_active = False
    me.save()
    assert client.get(f"/conversations/{conversation.pk}/").status_code in (302, 404)
