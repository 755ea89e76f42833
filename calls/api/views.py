"""``/api/v1/calls/``: calls, read only (they arrive through the provider webhooks)."""

from rest_framework import mixins, viewsets

from core.api.permissions import RolePermission

from ..filters import CallFilter
from ..permissions import VIEW
from ..selectors import call_rows
from .serializers import CallSerializer


class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Calls, newest first. Reading needs "View clients"; ``recording_url`` is given only
    with "Listen to and download call recordings"."""

    serializer_class = CallSerializer
    filterset_class = CallFilter
    permission_classes = [RolePermission]
    required_permissions = {"*": VIEW}

    def get_queryset(self):
        return call_rows(self.request.user)
