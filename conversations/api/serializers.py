"""What the API shows of conversations and messages, and what it accepts.

Text is given exactly as stored (JSON is not HTML: a page showing it must escape it).
Channel credentials, secret tokens and public keys are never part of any answer; a
conversation's invite link only on its own detail, while the other side has not joined.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictFieldsMixin

from ..connectors import connector_for
from ..models import Attachment, Channel, Conversation, Message


class ChannelRefSerializer(serializers.ModelSerializer):
    """The channel a conversation came through: never its credentials or tokens."""

    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Channel
        fields = ["id", "name", "kind", "deleted"]
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    """A conversation as the inbox lists it."""

    channel = ChannelRefSerializer(read_only=True)
    display_name = serializers.CharField(
        read_only=True,
        help_text=_("The client's name, else the contact's name or phone, else 'Visitor #id'."),
    )
    last_message_preview = serializers.CharField(read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "channel",
            "client",
            "display_name",
            "contact_name",
            "contact_phone",
            "status",
            "assignee",
            "unread_count",
            "last_message_preview",
            "last_activity_at",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class ConversationDetailSerializer(ConversationSerializer):
    """One conversation, with the link that lets the other side join it."""

    invite_url = serializers.SerializerMethodField(
        help_text=_(
            "Where the client joins a conversation an employee started (a chat link, a "
            "bot's start link); null once they joined, or when the channel cannot invite."
        )
    )

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "invite_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_invite_url(self, conversation: Conversation) -> str | None:
        if conversation.external_id or conversation.channel.is_deleted:
            return None
        link = connector_for(conversation.channel.kind).invite_link(
            conversation, self.context.get("request")
        )
        return link or None


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("The file's permission-checked download address.")
    )

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment: Attachment) -> str:
        request = self.context.get("request")
        path = attachment.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class MessageSerializer(serializers.ModelSerializer):
    """One message. ``author`` is the employee who wrote an outgoing one (null for the
    client's)."""

    author_name = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "conversation",
            "direction",
            "text",
            "author",
            "author_name",
            "delivery",
            "error",
            "created_at",
            "edited_at",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, message: Message) -> str | None:
        return str(message.author) if message.author_id else None


class ConversationStartSerializer(StrictFieldsMixin, serializers.Serializer):
    """Start a conversation: the client and the channel, both by id."""

    client = serializers.IntegerField(min_value=1)
    channel = serializers.IntegerField(min_value=1)


class MessageCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A message to send: up to 4,096 characters once leading and trailing spaces are
    trimmed, and (as multipart/form-data) at most one file: an image, a PDF or a plain text
    file of at most 10 MB. Text may be empty only with a file."""

    # Length and emptiness are the service's rules (after trimming), checked there.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)
    file = serializers.FileField(required=False, use_url=False)


class ConversationAssignSerializer(StrictFieldsMixin, serializers.Serializer):
    """Who takes the conversation."""

    assignee = serializers.IntegerField(
        min_value=1, allow_null=True, help_text=_("An employee's id; null to unassign.")
    )
