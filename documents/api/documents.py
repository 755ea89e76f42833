"""What the order, estimate and sale endpoints share: the employee's scope (outside it is
404), the permission check, a refused service call as a 400, and the line endpoints."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from clients.models import Client

from ..models import Estimate, Order, Sale
from .line_serializers import LineChangeSerializer, LineInputSerializer
from .permissions import DocumentPermission

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retried request with the same key replays the first answer; no money "
    "moves twice.",
)
ITEM_ID = OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def order_rows():
    """Orders with what their answer shows (status, client, lines) in a fixed number of
    queries however many are listed."""
    return Order.objects.select_related("status", "client").prefetch_related("items")


def estimate_rows():
    return Estimate.objects.select_related("client").prefetch_related("items")


def sale_rows():
    return Sale.objects.select_related("client").prefetch_related("items")


def service_error(refused: DjangoValidationError) -> serializers.ValidationError:
    """A refused service call as a 400 body: per field, or ``{"detail": "..."}``."""
    if hasattr(refused, "error_dict"):
        return serializers.ValidationError(refused.message_dict)
    return serializers.ValidationError({"detail": " ".join(refused.messages)})


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A list and detail of one kind of document, scoped with ``visible_to``; writes go
    through the document's services, each refusal answered 400 with the service's words."""

    permission_classes = [DocumentPermission]
    required_permissions: dict = {}

    def rows(self):
        """Every document of the kind with what its answer shows."""
        raise NotImplementedError

    def get_queryset(self):
        # Seen with its client, as on the pages (``views.common.scoped``).
        user = self.request.user
        return Client.objects.visible_to(user).narrow(self.rows().visible_to(user))

    def incoming(self, serializer_class) -> dict:
        """The request body, checked by ``serializer_class`` (400 when it is not right)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def call(self, operation, **kwargs):
        """Run a service as the employee; a refusal becomes a 400."""
        try:
            return operation(actor=self.request.user, **kwargs)
        except DjangoValidationError as refused:
            raise service_error(refused) from None

    def answer(self, document, status_code: int = status.HTTP_200_OK) -> Response:
        """The document as it is now (read again: the services update rows in bulk). Read
        outside the scope: a write may hand the document to someone else."""
        fresh = self.rows().get(pk=document.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


class LinesMixin:
    """``items/`` POST adds a line; ``items/{item_id}/`` PATCH changes it, DELETE removes it.
    The document answers with its new total; a closed or converted one refuses (400)."""

    document_argument = ""
    line_add = line_update = line_remove = None  # the document's services (staticmethods)

    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        document = self.get_object()
        line = self.incoming(LineInputSerializer)
        self.call(self.line_add, **{self.document_argument: document}, **line)
        return self.answer(document, status.HTTP_201_CREATED)

    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>[0-9]+)")
    def change_item(self, request, pk=None, item_id=None):
        document = self.get_object()
        item = get_object_or_404(document.items.all(), pk=item_id)
        if request.method == "DELETE":
            self.call(self.line_remove, item=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        changes = self.incoming(LineChangeSerializer)
        self.call(self.line_update, item=item, **changes)
        return self.answer(document)
