from django.db import transaction
from rest_framework import serializers, viewsets

from .. import services
from ..filters import ClientFilter
from ..models import Client
from .serializers import ClientSerializer


class ClientViewSet(viewsets.ModelViewSet):
    """Clients. DELETE is refused (400) for a client with money history: archive it."""

    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_permissions = {
        "GET": "clients.view",
        "HEAD": "clients.view",
        "OPTIONS": "clients.view",
        "POST": "clients.create",
        "PATCH": "clients.edit",
        "DELETE": "clients.delete",
    }

    def get_queryset(self):
        return Client.objects.visible_to(self.request.user).with_card().order_by("-id")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        try:
            services.client_delete(actor=self.request.user, client=instance)
        except services.ClientDeleteRefused as exc:
            raise serializers.ValidationError({"detail": str(exc)}) from None
