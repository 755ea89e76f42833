import tempfile

import django_filters
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import Client

from .. import services
from ..export import write_client_ledger
from ..idempotency import idempotent
from ..models import Cashbox, LedgerEntry, Payment
from ..selectors import balance_state, client_entries
from .serializers import (
    BalanceSerializer,
    CashboxSerializer,
    CorrectionSerializer,
    LedgerEntrySerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    ReversalSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retried request with the same key replays the first answer; no money "
    "moves twice.",
)


def as_api_error(exc: ValidationError) -> serializers.ValidationError:
    """A refused money operation as a 400 body: per field, or {"detail": "..."}."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"detail": exc.messages[0]})


def visible_client(request, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


class CashboxViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cashboxes with their balances. Creating and editing them is a settings permission."""

    serializer_class = CashboxSerializer
    queryset = Cashbox.objects.order_by("title", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {
        "GET": "ledger.view_balance",
        "HEAD": "ledger.view_balance",
        "OPTIONS": "ledger.view_balance",
        "POST": "core.settings",
        "PATCH": "core.settings",
    }

    def _save(self, serializer, cashbox: Cashbox):
        data = {
            "title": serializer.validated_data.get("title", cashbox.title),
            "kind": serializer.validated_data.get("kind", cashbox.kind),
            "virtual": serializer.validated_data.get("virtual", cashbox.virtual),
            "active": serializer.validated_data.get("active", cashbox.active),
        }
        try:
            serializer.instance = services.cashbox_save(
                actor=self.request.user, cashbox=cashbox, **data
            )
        except services.MoneyError as exc:
            raise as_api_error(exc) from None

    def perform_create(self, serializer):
        self._save(serializer, Cashbox())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


class PaymentFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="category")

    class Meta:
        model = Payment
        fields = ["client", "cashbox", "kind", "direction"]


class PaymentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cash transactions. POST moves money: accepts an ``Idempotency-Key`` header."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    required_permissions = {
        "GET": "ledger.view_balance",
        "HEAD": "ledger.view_balance",
        "OPTIONS": "ledger.view_balance",
        "POST": "ledger.view_balance",  # and the kind's own permission, checked in create()
    }
    kind_permissions = {
        "advance": "ledger.accept_advance",
        "refund": "ledger.refund",
        "other_income": "ledger.accept_advance",
        "other_expense": "ledger.refund",
    }

    def get_queryset(self):
        payments = Payment.objects.select_related("employee").order_by("-id")
        if not self.request.user.has_perm("clients.view"):
            # Without access to clients, only the money that concerns no client.
            payments = payments.filter(client__isnull=True)
        return payments

    @extend_schema(
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request, *args, **kwargs):
        incoming = PaymentCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if not request.user.has_perm(self.kind_permissions[data["kind"]]):
            raise PermissionDenied

        def operation() -> Response:
            try:
                payment = self._move(request.user, data)
            except ValidationError as exc:  # MoneyError, or a document's own refusal
                raise as_api_error(exc) from None
            return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

        return idempotent(request, operation)

    def _move(self, actor, data) -> Payment:
        kind = data["kind"]
        common = {"actor": actor, "cashbox": data["cashbox"], "amount": data["amount"]}
        if kind == "advance" and data.get("document"):
            return services.document_pay(
                client=data["client"],
                note=data["note"],
                document=data["document"],
                allow_overpayment=data["allow_overpayment"],
                **common,
            )
        if kind == "advance":
            return services.advance_accept(client=data["client"], note=data["note"], **common)
        if kind == "refund":
            return services.refund_pay(client=data["client"], note=data["note"], **common)
        direction = (
            Payment.Direction.INCOME if kind == "other_income" else Payment.Direction.EXPENSE
        )
        return services.cash_move(direction=direction, category=kind, note=data["note"], **common)


class ClientBalanceView(APIView):
    """The client's current balance and what it means."""

    required_permissions = {"GET": "ledger.view_balance"}

    @extend_schema(responses=BalanceSerializer)
    def get(self, request, pk: int):
        client = visible_client(request, pk)
        state = balance_state(client.balance).code
        return Response(BalanceSerializer({"balance": client.balance, "state": state}).data)


class ClientLedgerView(generics.ListAPIView):
    """Every entry that makes up the client's balance, newest first."""

    serializer_class = LedgerEntrySerializer
    required_permissions = {"GET": "ledger.view_balance"}
    filter_backends = []

    def get_queryset(self):
        return client_entries(visible_client(self.request, self.kwargs["pk"]))


class ClientLedgerExportView(APIView):
    """The client's ledger as an .xlsx workbook, streamed."""

    required_permissions = {"GET": "clients.export"}

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY
        }
    )
    def get(self, request, pk: int):
        if not request.user.has_perm("ledger.view_balance"):
            raise PermissionDenied
        client = visible_client(request, pk)
        spool = tempfile.TemporaryFile()  # noqa: SIM115  FileResponse closes it
        write_client_ledger(client, spool)
        spool.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            spool,
            as_attachment=True,
            filename=f"balance-{client.pk}-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class ClientCorrectionView(APIView):
    """A signed balance correction with a mandatory reason."""

    required_permissions = {"POST": "ledger.correct"}

    @extend_schema(
        request=CorrectionSerializer,
        responses={201: LedgerEntrySerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request, pk: int):
        client = visible_client(request, pk)
        incoming = CorrectionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)

        def operation() -> Response:
            try:
                entry = services.balance_correct(
                    actor=request.user, client=client, **incoming.validated_data
                )
            except services.MoneyError as exc:
                raise as_api_error(exc) from None
            return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

        return idempotent(request, operation)


class EntryReverseView(APIView):
    """Undo a ledger entry (and its payment) with a reversing entry that points at it."""

    required_permissions = {"POST": "ledger.correct"}

    @extend_schema(
        request=ReversalSerializer,
        responses={201: LedgerEntrySerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request, pk: int, entry_id: int):
        client = visible_client(request, pk)
        entry = get_object_or_404(LedgerEntry, pk=entry_id, client=client)
        incoming = ReversalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)

        def operation() -> Response:
            try:
                reversal = services.entry_reverse(
                    actor=request.user, entry=entry, reason=incoming.validated_data["reason"]
                )
            except services.MoneyError as exc:
                raise as_api_error(exc) from None
            return Response(LedgerEntrySerializer(reversal).data, status=status.HTTP_201_CREATED)

        return idempotent(request, operation)
