"""The web chat: a small page a shop embeds on its site (``/chat/<public_key>/``).

Visitors need no account: a random token in their browser is the conversation's external id.
Replies reach them through the widget itself, which polls for them: sending only stores the
message for the visitor. It counts as delivered once a visitor is bound to the conversation
(their widget fetches it on its next poll, and a poll that does marks it delivered too); until
a visitor joins (an employee-started conversation whose invitation was not opened yet) it is
only sent.
"""

from django.urls import reverse

from . import Connector, Sent, register


class WebChatConnector(Connector):
    kind = "webchat"

    def send(self, message) -> Sent:
        return Sent(delivered=bool(message.conversation.external_id))

    def invite_link(self, conversation, request=None) -> str:
        path = reverse(
            "conversations:webchat_invite",
            args=[conversation.channel.public_key, conversation.invite_token],
        )
        return request.build_absolute_uri(path) if request is not None else path

    def can_start(self, conversation) -> bool:
        # The visitor reads what was written when they open the link.
        return True


register(WebChatConnector())
