"""``/api/v1/estimates/``: estimates, their lines and status, and converting one into an
order."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import estimates
from .document_serializers import (
    EstimateCreateSerializer,
    EstimateFieldsSerializer,
    EstimateSerializer,
    EstimateStatusSerializer,
    OrderConvertSerializer,
    OrderSerializer,
)
from .documents import ITEM_ID, DocumentViewSet, LinesMixin, estimate_rows, order_rows
from .filters import EstimateFilter
from .line_serializers import LineChangeSerializer, LineInputSerializer

EDIT = "documents.edit"


@extend_schema_view(
    add_item=extend_schema(
        summary="Add a line to an estimate",
        request=LineInputSerializer,
        responses={201: EstimateSerializer},
    ),
    change_item=[
        extend_schema(
            methods=["PATCH"],
            summary="Change a line of an estimate",
            parameters=[ITEM_ID],
            request=LineChangeSerializer,
            responses=EstimateSerializer,
        ),
        extend_schema(
            methods=["DELETE"],
            summary="Remove a line from an estimate",
            parameters=[ITEM_ID],
            responses={204: None},
        ),
    ],
)
class EstimateViewSet(LinesMixin, DocumentViewSet):
    """Estimates: never touch the balance. Reading needs "View all documents" (or "View only
    my documents": the estimates the employee manages); every write "Create and edit
    documents"."""

    serializer_class = EstimateSerializer
    filterset_class = EstimateFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_permissions = {
        "create": EDIT,
        "partial_update": EDIT,
        "set_status": EDIT,
        "add_item": EDIT,
        "change_item": EDIT,
        "convert": EDIT,
    }
    document_argument = "estimate"
    line_add = staticmethod(estimates.estimate_item_add)
    line_update = staticmethod(estimates.estimate_item_update)
    line_remove = staticmethod(estimates.estimate_item_remove)

    def rows(self):
        return estimate_rows()

    @extend_schema(request=EstimateCreateSerializer, responses={201: EstimateSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(self.incoming(EstimateCreateSerializer))
        data["items"] = [dict(line) for line in data.get("items", [])]
        estimate = self.call(estimates.estimate_create, **data)
        return self.answer(estimate, status.HTTP_201_CREATED)

    @extend_schema(request=EstimateFieldsSerializer, responses=EstimateSerializer)
    def partial_update(self, request, *args, **kwargs):
        estimate = self.get_object()
        fields = self.incoming(EstimateFieldsSerializer)
        self.call(estimates.estimate_update, estimate=estimate, **fields)
        return self.answer(estimate)

    @extend_schema(
        summary="Mark the estimate Draft, Sent, Accepted, Rejected or Cancelled",
        request=EstimateStatusSerializer,
        responses=EstimateSerializer,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        estimate = self.get_object()
        data = self.incoming(EstimateStatusSerializer)
        self.call(estimates.estimate_status_set, estimate=estimate, **data)
        return self.answer(estimate)

    @extend_schema(
        summary="Copy the estimate into a new work order (once)",
        request=OrderConvertSerializer,
        responses={201: OrderSerializer},
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        estimate = self.get_object()
        fields = self.incoming(OrderConvertSerializer)
        order = self.call(estimates.estimate_convert, estimate=estimate, **fields)
        body = OrderSerializer(order_rows().get(pk=order.pk), context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)
