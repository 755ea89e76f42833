"""``/api/v1/conversations/``: the conversations of the channels the employee may access,
their messages, and the same actions as the pages (start, send, close, reopen, assign, mark
read) through the same services. Everything needs "Conversation access": without it the
list and "start one" are 403, and one conversation's URLs are 404, like a conversation of a
channel the employee cannot access — as if it did not exist."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Employee
from clients.models import Client

from .. import services
from ..access import PERMISSION
from ..files import check_upload
from ..models import Channel, Conversation, Message
from .filters import ConversationFilter, MessageFilter
from .serializers import (
    ConversationAssignSerializer,
    ConversationDetailSerializer,
    ConversationSerializer,
    ConversationStartSerializer,
    MessageCreateSerializer,
    MessageSerializer,
)


def as_api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A refused change as a 400 body: per field, or {"detail": "..."}."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"detail": " ".join(exc.messages)})


@extend_schema_view(
    list=extend_schema(
        summary="Conversations, most recent activity first",
        description="Filters: `client`, `status`, `channel`, `assignee`, `unassigned`.",
    ),
    retrieve=extend_schema(summary="One conversation"),
)
class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Conversations of the channels the employee may access. Every call needs
    "Conversation access" (403 without it); a conversation of a channel the employee cannot
    access answers 404."""

    serializer_class = ConversationSerializer
    filterset_class = ConversationFilter
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"*": PERMISSION}

    def get_queryset(self):
        return Conversation.objects.visible_to(self.request.user).with_row()

    def permission_denied(self, request, message=None, code=None):
        if request.user.is_authenticated and self.kwargs.get(self.lookup_field) is not None:
            raise NotFound  # existence of a conversation is never confirmed
        super().permission_denied(request, message=message, code=code)

    def filter_queryset(self, queryset):
        # The list's filters narrow the list; they never hide one conversation's detail.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return ConversationSerializer
        return ConversationDetailSerializer

    def incoming(self, serializer_class) -> dict:
        incoming = serializer_class(data=self.request.data)
        incoming.is_valid(raise_exception=True)
        return incoming.validated_data

    def call(self, service, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise as_api_error(exc) from exc

    def answer(self, conversation: Conversation, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=conversation.pk)
        return Response(
            ConversationDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Start a conversation with a client on a channel (or reopen their last one "
        "there, when the channel already knows where to reach them)",
        request=ConversationStartSerializer,
        responses={201: ConversationDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.incoming(ConversationStartSerializer)
        client = Client.objects.visible_to(request.user).filter(pk=data["client"]).first()
        if client is None:
            raise serializers.ValidationError({"client": [_("No such client.")]})
        channel = Channel.objects.accessible_to(request.user).filter(pk=data["channel"]).first()
        if channel is None:
            raise serializers.ValidationError(
                {"channel": [_("Choose a channel you have access to.")]}
            )
        conversation = self.call(services.conversation_start, channel=channel, client=client)
        return self.answer(conversation, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The conversation's messages, newest first",
        description="Page 1 holds the latest messages. `before=<id>` pages upwards through "
        "the history from a message already shown; `after=<id>` fetches what arrived after "
        "it (say, while a WebSocket was disconnected). Reading does not mark anything read: "
        "see `read/`.",
        filters=False,
        parameters=[
            OpenApiParameter(
                "before", int, description="Only messages older than the one with this id."
            ),
            OpenApiParameter(
                "after", int, description="Only messages newer than the one with this id."
            ),
        ],
        responses=MessageSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Send a message to the client",
        description="Reopens a closed conversation and assigns an unassigned one to the "
        "sender. The channel delivers it in the background: `delivery` moves from "
        "`pending` to `sent` / `delivered`, or `failed` with `error`.",
        request=MessageCreateSerializer,
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        conversation = self.get_object()
        if request.method == "POST":
            data = self.incoming(MessageCreateSerializer)
            try:
                files = [check_upload(data["file"])] if "file" in data else []
            except DjangoValidationError as exc:
                raise as_api_error(exc) from exc
            message = self.call(
                services.message_send,
                conversation=conversation,
                text=data.get("text", ""),
                files=files,
            )
            message = self.message_rows(conversation).get(pk=message.pk)
            return Response(
                MessageSerializer(message, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        rows = MessageFilter(request.query_params, queryset=self.message_rows(conversation))
        if not rows.is_valid():
            raise serializers.ValidationError(rows.errors)
        page = self.paginate_queryset(rows.qs)
        data = MessageSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @staticmethod
    def message_rows(conversation: Conversation):
        return (
            Message.objects.filter(conversation=conversation)
            .select_related("author")
            .prefetch_related("attachments")
            .order_by("-id")
        )

    @extend_schema(
        summary="Close the conversation", request=None, responses=ConversationDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        conversation = self.call(services.conversation_close, conversation=self.get_object())
        return self.answer(conversation)

    @extend_schema(
        summary="Reopen a closed conversation", request=None, responses=ConversationDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        conversation = self.call(services.conversation_reopen, conversation=self.get_object())
        return self.answer(conversation)

    @extend_schema(
        summary="Give the conversation to an employee who can see it (null: unassign)",
        request=ConversationAssignSerializer,
        responses=ConversationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        conversation = self.get_object()
        data = self.incoming(ConversationAssignSerializer)
        assignee = None
        if data["assignee"] is not None:
            assignee = Employee.objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                # The same answer as for an employee without access: ids are not probed.
                raise serializers.ValidationError(
                    {"assignee": [_("This employee has no access to the conversation's channel.")]}
                )
        conversation = self.call(
            services.conversation_assign, conversation=conversation, assignee=assignee
        )
        return self.answer(conversation)

    @extend_schema(
        summary="Mark everything in the conversation read",
        request=None,
        responses={
            200: ConversationDetailSerializer,
            404: OpenApiResponse(description="Not found"),
        },
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        conversation = self.get_object()
        services.conversation_mark_read(actor=request.user, conversation=conversation)
        return self.answer(conversation)
