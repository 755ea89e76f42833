"""Connectors: what differs between channels (web chat, Telegram, …).

A connector knows its channel kind's credentials, checks them when a channel is saved, sends
an outgoing message, and says how the other side joins a conversation an employee started.
Inbound traffic arrives through the connector's own webhook or page and is handed to
``conversations.services.message_receive``. WhatsApp or Instagram is one new subclass
registered here, not a change to the rest.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: Promise
    help_text: Promise | str = ""
    required: bool = True


@dataclass
class Sent:
    """What the provider answered for a message it accepted."""

    external_id: str = ""
    delivered: bool = False


@dataclass
class ChannelCheck:
    """What a connector learned while checking a channel's credentials."""

    details: dict = field(default_factory=dict)


class Connector:
    kind: str = ""
    credential_fields: tuple[CredentialField, ...] = ()

    def check(self, channel, credentials: dict) -> ChannelCheck:
        """Verify the credentials (e.g. ask the provider who the bot is), changing nothing
        at the provider. Raises ``ChannelError`` with a message for the person saving it."""
        return ChannelCheck()

    def activate(self, channel) -> None:
        """Set a saved channel up at the provider with its current credentials and secret
        token (e.g. point a Telegram bot's webhook at it), when it is created and whenever
        its credentials change. Raises ``ChannelError``: the change is then undone."""

    def deactivate(self, channel, credentials: dict) -> None:
        """The channel was deleted: tell the provider to stop sending (best effort; must not
        raise). ``credentials`` are the ones it had."""

    def replaced(self, channel, credentials: dict, details: dict) -> None:
        """The channel's credentials were replaced (called once the change committed and the
        new ones were activated): tell the provider to stop sending through the old
        ``credentials`` (best effort; must not raise). ``details`` are what ``check`` had
        learned about them."""

    def send(self, message) -> Sent:
        """Deliver an outgoing message. Raise ``jobs.base.Retry`` for a temporary refusal,
        ``jobs.base.GiveUp`` for a permanent one; anything else is retried with back-off."""
        raise NotImplementedError

    def invite_link(self, conversation, request=None) -> str:
        """Where the other side joins a conversation an employee started ("" if it cannot)."""
        return ""

    def can_start(self, conversation) -> bool:
        """Whether an employee's first message can reach the other side yet."""
        return bool(conversation.external_id)


_connectors: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    _connectors[connector.kind] = connector
    return connector


def connector_for(kind: str) -> Connector:
    from . import telegram, webchat  # noqa: F401  the built-in connectors register themselves

    return _connectors[kind]
