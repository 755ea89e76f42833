"""``/api/v1/sales/``: sales (completed at once) and their returns."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ledger.idempotency import idempotent

from .. import sales
from ..models import SaleReturn
from .document_serializers import (
    SaleCreateSerializer,
    SaleReturnCreateSerializer,
    SaleReturnSerializer,
    SaleSerializer,
)
from .documents import IDEMPOTENCY_HEADER, DocumentViewSet, sale_rows
from .filters import SaleFilter

# A sale is charged to the balance as it is made, and a return credits it back: both are
# what closing an order is, so they need "Close documents" besides "Create and edit".
SELL = ("documents.edit", "documents.close")
# Paying money back from a cashbox is a refund.
REFUND = "ledger.refund"


class SaleViewSet(DocumentViewSet):
    """Sales. Reading needs "View all documents" (or "View only my documents": the
    employee's own sales); selling and taking goods back need "Create and edit documents"
    and "Close documents"; paying money back from a cashbox also "Refund clients"."""

    serializer_class = SaleSerializer
    filterset_class = SaleFilter
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"create": SELL, "returns": SELL}

    def rows(self):
        return sale_rows()

    @extend_schema(
        request=SaleCreateSerializer,
        responses={201: SaleSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request, *args, **kwargs):
        data = dict(self.incoming(SaleCreateSerializer))
        data["items"] = [dict(line) for line in data["items"]]
        return idempotent(
            request,
            lambda: self.answer(self.call(sales.sale_create, **data), status.HTTP_201_CREATED),
        )

    @extend_schema(
        methods=["GET"],
        summary="The sale's returns",
        request=None,
        responses=SaleReturnSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Take goods back: the client is credited; with a cashbox, money is paid back",
        request=SaleReturnCreateSerializer,
        responses={201: SaleReturnSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def returns(self, request, pk=None):
        sale = self.get_object()
        if request.method == "GET":
            records = SaleReturn.objects.filter(sale=sale).prefetch_related("lines")
            return Response(SaleReturnSerializer(records, many=True).data)
        data = self.incoming(SaleReturnCreateSerializer)
        if data.get("cashbox") is not None and not request.user.has_perm(REFUND):
            raise PermissionDenied
        lines = data.get("lines")
        if lines is not None:
            lines = {line["item"]: line["quantity"] for line in lines}

        def operation() -> Response:
            record = self.call(
                sales.sale_return,
                sale=sale,
                lines=lines,
                cashbox=data.get("cashbox"),
                refund=data.get("refund"),
                reason=data.get("reason", ""),
            )
            record = SaleReturn.objects.prefetch_related("lines").get(pk=record.pk)
            return Response(SaleReturnSerializer(record).data, status=status.HTTP_201_CREATED)

        return idempotent(request, operation)
