""" "+ Conversation" proposes a channel the employee can use with this client — where the client
is reachable, else the first shared channel — and never a private one by default."""

import re

import pytest

from clients.tests.factories import ClientFactory
from conversations.models import Channel, Conversation
from conversations.selectors import start_channel_proposal, start_channels

from .factories import ChannelFactory, ConversationFactory, TelegramChannelFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def channels(admin, manager):
    """Private channels of the manager's come first by name; two shared ones after them."""
    return {
        "mine": ChannelFactory(name="A mine", owner=manager, access=Channel.Access.OWNER),
        "selected": ChannelFactory(
            name="B team", owner=admin, access=Channel.Access.SELECTED, members=[manager]
        ),
        "site": ChannelFactory(name="Site chat", owner=admin),
        "bot": TelegramChannelFactory(name="Shop bot", owner=admin),
    }


def proposed(signed_in, client) -> tuple[list[str], str | None]:
    """The options of the start form (their labels) and the one selected."""
    page = signed_in.get(f"/clients/{client.pk}/conversations/new/", **HX).content.decode()
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', page)
    chosen = [label for _value, selected, label in options if selected]
    assert len(chosen) == 1, options
    return [label for _value, _selected, label in options], chosen[0]


def test_a_new_client_gets_the_first_shared_channel_not_a_private_one(signed_in, channels):
    paula = ClientFactory(first_name="Paula")
    labels, chosen = proposed(signed_in, paula)
    assert chosen.startswith("Shop bot")
    # The private ones are offered, and say they are private.
    assert any(label.startswith("A mine") and "private" in label for label in labels)
    assert any(label.startswith("B team") and "private" in label for label in labels)


def test_the_channel_where_the_client_is_reachable_is_proposed(signed_in, channels):
    paula = ClientFactory(first_name="Paula")
    ConversationFactory(channel=channels["bot"], client=paula, external_id="")  # invited only
    ConversationFactory(channel=channels["site"], client=paula, external_id="visitor-1")
    assert proposed(signed_in, paula)[1].startswith("Site chat")


def test_an_invitation_waiting_is_the_next_best(signed_in, channels):
    paula = ClientFactory(first_name="Paula")
    ConversationFactory(channel=channels["site"], client=paula, external_id="")
    assert proposed(signed_in, paula)[1].startswith("Site chat")


def test_a_conversation_on_a_private_channel_does_not_make_it_the_default(signed_in, channels):
    paula = ClientFactory(first_name="Paula")
    ConversationFactory(channel=channels["mine"], client=paula, external_id="visitor-7")
    assert proposed(signed_in, paula)[1].startswith("Shop bot")


def test_with_only_private_channels_nothing_is_chosen_for_the_employee(signed_in, manager, admin):
    ChannelFactory(name="A mine", owner=manager, access=Channel.Access.OWNER)
    paula = ClientFactory(first_name="Paula")
    labels, chosen = proposed(signed_in, paula)
    assert chosen == "Choose a channel…" and len(labels) == 2
    response = signed_in.post(f"/clients/{paula.pk}/conversations/new/", {"channel": ""}, **HX)
    assert "Choose the channel to write through." in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_proposal_is_one_query(django_assert_num_queries, manager, channels):
    paula = ClientFactory(first_name="Paula")
    offered = list(start_channels(manager))
    with django_assert_num_queries(1):
        assert start_channel_proposal(offered, paula) == channels["bot"]
