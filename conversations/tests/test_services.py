"""The rules of conversations: who sees what, how messages move a conversation, and what
is refused."""

import pytest
from django.core.exceptions import ValidationError

from clients.services import PhoneInput, client_create
from conversations import services
from conversations.models import Channel, Conversation, Message
from jobs.testing import run_tasks

from .factories import ChannelFactory, ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_with_phone(admin):
    return client_create(
        actor=admin,
        data={"kind": "person", "first_name": "Maria", "last_name": "Souza"},
        phones=[PhoneInput(number="+5511987654321")],
    )


def visible(employee):
    return set(Conversation.objects.visible_to(employee).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "access, who, sees",
    [
        ("all", "manager", True),
        ("all", "specialist", False),  # the role lacks "Conversation access"
        ("selected", "member", True),
        ("selected", "other", False),
        ("selected", "owner", True),
        ("owner", "owner", True),
        ("owner", "member", False),
        ("owner", "full_access", False),
    ],
)
def test_channel_access_decides_who_sees_its_conversations(make_employee, access, who, sees):
    owner = make_employee("admin")
    member = make_employee("manager")
    people = {
        "owner": owner,
        "member": member,
        "other": make_employee("manager"),
        "manager": make_employee("manager"),
        "specialist": make_employee("specialist"),
        "full_access": make_employee("full_access"),
    }
    channel = ChannelFactory(access=access, owner=owner, members=[member])
    conversation = ConversationFactory(channel=channel)
    assert (conversation.pk in visible(people[who])) is sees


def test_a_first_message_creates_the_conversation_and_counts_as_unread(manager):
    channel = ChannelFactory()
    conversation = services.conversation_for_contact(channel=channel, external_id="v1", name="Ana")
    services.message_receive(conversation=conversation, text="Oi, meu celular quebrou")
    services.message_receive(conversation=conversation, text="Vocês abrem sábado?")
    conversation.refresh_from_db()
    assert conversation.unread_count == 2
    assert conversation.last_message_preview == "Vocês abrem sábado?"
    again = services.conversation_for_contact(channel=channel, external_id="v1")
    assert again.pk == conversation.pk
    services.conversation_mark_read(actor=manager, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_a_phone_links_the_client_who_has_it(client_with_phone):
    channel = ChannelFactory()
    conversation = services.conversation_for_contact(
        channel=channel, external_id="42", name="M", phone="(11) 98765-4321"
    )
    assert conversation.client == client_with_phone
    other = services.conversation_for_contact(channel=channel, external_id="43")
    services.conversation_set_contact_phone(conversation=other, phone="+55 11 98765-4321")
    other.refresh_from_db()
    assert other.client == client_with_phone


def test_a_new_message_reopens_a_closed_conversation(manager):
    conversation = ConversationFactory()
    services.conversation_close(actor=manager, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED
    services.message_receive(conversation=conversation, text="Ainda estão aí?")
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    services.conversation_close(actor=manager, conversation=conversation)
    services.message_send(actor=manager, conversation=conversation, text="Sim!")
    conversation.refresh_from_db()
    assert conversation.is_open


def test_a_replayed_provider_message_is_stored_once():
    conversation = ConversationFactory()
    first = services.message_receive(conversation=conversation, text="a", external_id="7")
    again = services.message_receive(conversation=conversation, text="a", external_id="7")
    assert first is not None and again is None
    assert conversation.messages.count() == 1


@pytest.mark.parametrize("text", ["", "   ", None, "x" * 4097, "a\x00b"])
def test_bad_text_is_refused_and_nothing_is_written(manager, text):
    conversation = ConversationFactory()
    with pytest.raises(ValidationError):
        services.message_send(actor=manager, conversation=conversation, text=text)
    assert not conversation.messages.exists()


def test_unsafe_html_is_stored_as_it_was_written(manager):
    conversation = ConversationFactory()
    message = services.message_send(
        actor=manager, conversation=conversation, text="<script>alert(1)</script>"
    )
    assert Message.objects.get(pk=message.pk).text == "<script>alert(1)</script>"


def test_an_employee_without_access_cannot_send(specialist):
    conversation = ConversationFactory()
    with pytest.raises(ValidationError):
        services.message_send(actor=specialist, conversation=conversation, text="hi")


def test_a_sent_web_chat_message_is_delivered_by_the_worker(
    manager, django_capture_on_commit_callbacks
):
    conversation = ConversationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=manager, conversation=conversation, text="Olá")
    assert message.delivery == Message.Delivery.PENDING
    run_tasks()
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.DELIVERED


def test_delivery_never_moves_backwards(manager):
    message = services.message_send(actor=manager, conversation=ConversationFactory(), text="Olá")
    services.message_delivery_set(message_id=message.pk, delivery=Message.Delivery.DELIVERED)
    services.message_delivery_set(message_id=message.pk, delivery=Message.Delivery.SENT)
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.DELIVERED


def test_assigning_needs_an_employee_who_can_see_the_channel(make_employee, manager):
    owner = make_employee("admin")
    channel = ChannelFactory(access=Channel.Access.OWNER, owner=owner)
    conversation = ConversationFactory(channel=channel)
    with pytest.raises(ValidationError):
        services.conversation_assign(actor=owner, conversation=conversation, assignee=manager)
    services.conversation_assign(actor=owner, conversation=conversation, assignee=owner)
    conversation.refresh_from_db()
    assert conversation.assignee == owner


def test_a_deleted_channel_keeps_its_history_but_sends_nothing(admin, manager):
    conversation = ConversationFactory()
    services.message_receive(conversation=conversation, text="antes")
    services.channel_delete(actor=admin, channel=conversation.channel)
    assert conversation.pk in visible(manager)
    assert conversation.messages.count() == 1
    conversation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.message_send(actor=manager, conversation=conversation, text="depois")


def test_a_contact_becomes_a_new_client_with_their_phone(admin):
    conversation = services.conversation_for_contact(
        channel=ChannelFactory(), external_id="9", name="João", phone="+5511912345678"
    )
    client = services.conversation_create_client(actor=admin, conversation=conversation)
    assert client.first_name == "João"
    assert list(client.phones.values_list("number", flat=True)) == ["+5511912345678"]
    conversation.refresh_from_db()
    assert conversation.client == client
    with pytest.raises(ValidationError):
        services.conversation_create_client(actor=admin, conversation=conversation)


def test_starting_a_conversation_reuses_where_the_client_is_reachable(admin, client_with_phone):
    channel = ChannelFactory()
    started = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    assert started.assignee == admin and started.external_id == ""
    services.conversation_join(conversation=started, external_id="visitor-x")
    again = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    assert again.pk == started.pk


# --- Contact names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, stored",
    [
        ("Ana\x00", "Ana"),
        ("\x00", ""),
        ("Jo\x00ão\x1b[31m Silva\x7f", "João[31m Silva"),
        ("Maria\r\n\tSouza", "Maria Souza"),
        ("Ana \ud800Lima", "Ana Lima"),  # an unpaired surrogate cannot be stored either
        ("Zé 👩‍🔧 \u200fشركة", "Zé 👩‍🔧 \u200fشركة"),  # joiners and direction marks stay
        ("<b>Ana</b>", "<b>Ana</b>"),  # shown escaped, stored as written
        ("x" * 500, "x" * 100),
        (None, ""),
    ],
)
def test_control_characters_never_reach_a_contacts_name(name, stored):
    """PostgreSQL refuses NUL in text (DataError): a name from a Telegram profile or the web
    chat is cleaned of control characters and keeps the rest."""
    conversation = services.conversation_for_contact(
        channel=ChannelFactory(), external_id="v-nul", name=name
    )
    assert Conversation.objects.get(pk=conversation.pk).contact_name == stored


def test_a_name_given_when_joining_is_cleaned_too(admin, client_with_phone):
    channel = ChannelFactory()
    started = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    started.contact_name = ""
    started.save(update_fields=["contact_name"])
    services.conversation_join(conversation=started, external_id="v-join", name="Ma\x00ria\n")
    started.refresh_from_db()
    assert started.contact_name == "Maria" and started.external_id == "v-join"


# --- An invitation opened by a chat that already has a conversation ---------------------------


@pytest.fixture
def events(monkeypatch):
    """The (conversation id, event) pairs published, in order."""
    published = []
    original = services.realtime.publish

    def record(conversation, event, **data):
        published.append((conversation.pk, event))
        original(conversation, event, **data)

    monkeypatch.setattr(services.realtime, "publish", record)
    return published


@pytest.fixture
def reachable_only_once_joined(monkeypatch):
    """The web chat connector behaving like Telegram: nothing reaches a chat not yet joined."""
    from conversations.connectors import connector_for

    monkeypatch.setattr(
        type(connector_for("webchat")), "can_start", lambda self, c: bool(c.external_id)
    )


def test_joining_from_a_chat_that_has_a_conversation_merges_the_invitation_into_it(
    admin,
    manager,
    client_with_phone,
    events,
    django_capture_on_commit_callbacks,
    reachable_only_once_joined,
):
    channel = ChannelFactory()
    theirs = services.conversation_for_contact(channel=channel, external_id="v-77", name="M")
    services.message_receive(conversation=theirs, text="Olá")
    services.conversation_close(actor=admin, conversation=theirs)
    started = services.conversation_start(actor=manager, channel=channel, client=client_with_phone)
    # Sent while the invitation waited: the delivery task finds nobody to send it to.
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.message_send(
            actor=manager, conversation=started, text="Orçamento pronto"
        )
    assert run_tasks() == 1
    waiting.refresh_from_db()
    assert waiting.delivery == Message.Delivery.FAILED
    invite = started.invite_token
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        joined = services.conversation_join(conversation=started, external_id="v-77", name="X")
    assert joined.pk == theirs.pk
    theirs.refresh_from_db()
    started.refresh_from_db()
    assert theirs.client == client_with_phone and theirs.assignee == manager
    assert theirs.is_open and theirs.last_message_preview == "Orçamento pronto"
    assert theirs.unread_count == 0 and theirs.contact_name == "M"
    assert list(theirs.messages.values_list("text", flat=True)) == ["Olá", "Orçamento pronto"]
    assert started.status == Conversation.Status.CLOSED and started.closed_at is not None
    assert started.external_id == "" and started.invite_token != invite
    assert not started.messages.exists() and started.last_message_preview == ""
    assert events == [(started.pk, "status"), (theirs.pk, "message")]
    # The message refused before the join goes out now, to the chat, once.
    assert run_tasks() == 1
    waiting.refresh_from_db()
    assert waiting.conversation_id == theirs.pk
    assert waiting.delivery == Message.Delivery.DELIVERED and waiting.error == ""
    assert run_tasks() == 0
    # Starting again reuses the joined conversation, never the closed invitation.
    again = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    assert again.pk == theirs.pk


def test_a_merge_keeps_an_existing_client_link(admin, client_with_phone):
    channel = ChannelFactory()
    other = client_create(actor=admin, data={"kind": "person", "first_name": "Outra"})
    theirs = services.conversation_for_contact(channel=channel, external_id="v-78")
    services.conversation_link_client(actor=admin, conversation=theirs, client=other)
    started = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    services.conversation_join(conversation=started, external_id="v-78")
    theirs.refresh_from_db()
    assert theirs.client == other
    assert Conversation.objects.get(pk=started.pk).status == Conversation.Status.CLOSED


def test_an_invitation_already_used_by_another_chat_is_refused(admin, client_with_phone):
    channel = ChannelFactory()
    started = services.conversation_start(actor=admin, channel=channel, client=client_with_phone)
    services.conversation_join(conversation=started, external_id="v-1")
    assert services.conversation_join(conversation=started, external_id="v-1").pk == started.pk
    with pytest.raises(ValidationError):
        services.conversation_join(conversation=started, external_id="v-2")
    started.refresh_from_db()
    assert started.external_id == "v-1" and started.is_open


def test_a_message_still_queued_at_the_join_is_sent_once(
    manager, client_with_phone, django_capture_on_commit_callbacks, reachable_only_once_joined
):
    channel = ChannelFactory()
    theirs = services.conversation_for_contact(channel=channel, external_id="v-88")
    started = services.conversation_start(actor=manager, channel=channel, client=client_with_phone)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.message_send(actor=manager, conversation=started, text="Pronto")
        services.conversation_join(conversation=started, external_id="v-88")
    assert run_tasks() == 1  # the task it already had; none was added
    queued.refresh_from_db()
    assert queued.conversation_id == theirs.pk
    assert queued.delivery == Message.Delivery.DELIVERED


def test_joining_an_invitation_sends_what_was_refused_before(
    manager, client_with_phone, django_capture_on_commit_callbacks, reachable_only_once_joined
):
    started = services.conversation_start(
        actor=manager, channel=ChannelFactory(), client=client_with_phone
    )
    with django_capture_on_commit_callbacks(execute=True):
        early = services.message_send(actor=manager, conversation=started, text="Oi")
    run_tasks()
    early.refresh_from_db()
    assert early.delivery == Message.Delivery.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_join(conversation=started, external_id="v-99")
    assert run_tasks() == 1
    early.refresh_from_db()
    assert early.delivery == Message.Delivery.DELIVERED


def test_old_update_ids_are_pruned_as_new_ones_arrive(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from conversations.models import InboundUpdate

    monkeypatch.setattr(services, "PRUNE_EVERY", 1)
    channel, other = ChannelFactory(), ChannelFactory()
    assert services.update_seen(channel=channel, update_id=1)
    assert services.update_seen(channel=other, update_id=1)
    InboundUpdate.objects.update(received_at=timezone.now() - timedelta(days=8))
    assert services.update_seen(channel=channel, update_id=2)
    kept = set(InboundUpdate.objects.values_list("channel_id", "update_id"))
    assert kept == {(channel.pk, "2"), (other.pk, "1")}  # only this channel's old ids go
    assert not services.update_seen(channel=channel, update_id=2)  # a replay is still seen
