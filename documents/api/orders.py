"""``/api/v1/orders/``: work orders, their lines, status, closing and reopening."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from ledger.idempotency import idempotent

from .. import orders
from .document_serializers import (
    OrderCloseSerializer,
    OrderCreateSerializer,
    OrderFieldsSerializer,
    OrderReopenSerializer,
    OrderSerializer,
    OrderStatusSerializer,
)
from .documents import (
    IDEMPOTENCY_HEADER,
    ITEM_ID,
    DocumentViewSet,
    LinesMixin,
    order_rows,
)
from .filters import OrderFilter
from .line_serializers import LineChangeSerializer, LineInputSerializer

EDIT = "documents.edit"


@extend_schema_view(
    add_item=extend_schema(
        summary="Add a line to an open order",
        request=LineInputSerializer,
        responses={201: OrderSerializer},
    ),
    change_item=[
        extend_schema(
            methods=["PATCH"],
            summary="Change a line of an open order",
            parameters=[ITEM_ID],
            request=LineChangeSerializer,
            responses=OrderSerializer,
        ),
        extend_schema(
            methods=["DELETE"],
            summary="Remove a line from an open order",
            parameters=[ITEM_ID],
            responses={204: None},
        ),
    ],
)
class OrderViewSet(LinesMixin, DocumentViewSet):
    """Work orders. Reading needs "View all documents" (or "View only my documents": the
    orders the employee manages or is assigned); writing "Create and edit documents";
    closing "Close documents" and reopening "Reopen closed documents"."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_permissions = {
        "create": EDIT,
        "partial_update": EDIT,
        "set_status": EDIT,
        "add_item": EDIT,
        "change_item": EDIT,
        "close": "documents.close",
        "reopen": "documents.reopen",
    }
    document_argument = "order"
    line_add = staticmethod(orders.order_item_add)
    line_update = staticmethod(orders.order_item_update)
    line_remove = staticmethod(orders.order_item_remove)

    def rows(self):
        return order_rows()

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(self.incoming(OrderCreateSerializer))
        data["items"] = [dict(line) for line in data.get("items", [])]
        order = self.call(orders.order_create, **data)
        return self.answer(order, status.HTTP_201_CREATED)

    @extend_schema(request=OrderFieldsSerializer, responses=OrderSerializer)
    def partial_update(self, request, *args, **kwargs):
        order = self.get_object()
        fields = self.incoming(OrderFieldsSerializer)
        self.call(orders.order_update, order=order, **fields)
        return self.answer(order)

    @extend_schema(
        summary="Move an open order to another status (not Closed: close it)",
        request=OrderStatusSerializer,
        responses=OrderSerializer,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        order = self.get_object()
        data = self.incoming(OrderStatusSerializer)
        self.call(orders.order_status_set, order=order, **data)
        return self.answer(order)

    @extend_schema(
        summary="Close the order and settle it: pay the rest now, or leave it on the balance",
        request=OrderCloseSerializer,
        responses=OrderSerializer,
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        order = self.get_object()
        data = self.incoming(OrderCloseSerializer)
        return idempotent(
            request, lambda: self.answer(self.call(orders.order_close, order=order, **data))
        )

    @extend_schema(
        summary="Reopen a closed order: its charge is reversed on the client's balance",
        request=OrderReopenSerializer,
        responses=OrderSerializer,
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        order = self.get_object()
        data = self.incoming(OrderReopenSerializer)
        return idempotent(
            request, lambda: self.answer(self.call(orders.order_reopen, order=order, **data))
        )
