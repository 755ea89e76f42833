"""``/api/v1/sms/``: the SMS the employee may see, and queueing one (same service and checks
as the page)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from clients.models import Client

from .. import services
from ..filters import SmsFilter
from ..selectors import active_templates, sms_rows
from ..views.common import SEND
from .serializers import SmsCreateSerializer, SmsSerializer


class SmsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """SMS. Reading needs "View clients"; queueing one also "Send SMS". A client, template or
    phone outside what the employee may use is a 400 naming the field."""

    serializer_class = SmsSerializer
    filterset_class = SmsFilter
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"list": "clients.view", "retrieve": "clients.view", "create": SEND}

    def get_queryset(self):
        return sms_rows(self.request.user)

    @extend_schema(request=SmsCreateSerializer, responses={201: SmsSerializer})
    def create(self, request, *args, **kwargs):
        incoming = SmsCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        client = Client.objects.visible_to(request.user).filter(pk=data["client"]).first()
        if client is None:
            raise serializers.ValidationError({"client": ["No such client."]})
        template = None
        if data.get("template"):
            template = active_templates().filter(pk=data["template"]).first()
            if template is None:
                raise serializers.ValidationError({"template": ["No such active template."]})
        try:
            message = services.sms_send(
                actor=request.user,
                client=client,
                text=data.get("text", ""),
                phone=data.get("phone") or None,
                template=template,
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise serializers.ValidationError(exc.message_dict) from exc
            raise serializers.ValidationError({"detail": " ".join(exc.messages)}) from exc
        return Response(SmsSerializer(message).data, status=status.HTTP_201_CREATED)
