"""What the API reads and writes for work orders, estimates and sales.

Input serializers check the shape of a request (types, ids the employee may use, unknown
fields); the business rules are the services' (``documents.orders``, ``estimates``,
``sales``). The lines are in ``line_serializers``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import Client
from core.api.serializers import StrictFieldsMixin
from ledger.models import Cashbox

from ..checks import MAX_COMMENT, MAX_LONG_TEXT
from ..models import Estimate, Order, OrderStatus, Sale, SaleReturn
from ..sales import MAX_LINES
from .line_serializers import (
    LineInputSerializer,
    LineSerializer,
    SaleLineSerializer,
    VisibleRelatedField,
    check_lines,
    employee_field,
    money,
    number,
)

# A sale is settled the same two ways as an order when it closes.
SETTLEMENTS = Sale.Settlement.choices


# --- orders ----------------------------------------------------------------------------------


class OrderSerializer(serializers.ModelSerializer):
    """A work order with its lines."""

    client_name = serializers.CharField(source="client.display_name", read_only=True)
    status_name = serializers.CharField(source="status.display_name", read_only=True)
    status_group = serializers.ChoiceField(
        source="status.group", choices=OrderStatus.Group.choices, read_only=True
    )
    items = LineSerializer(many=True, read_only=True)
    total = money(read_only=True)
    paid = money(read_only=True)
    settlement = serializers.ChoiceField(
        choices=[("", _("Not closed")), *Order.Settlement.choices],
        read_only=True,
        help_text=_(
            "How the closing settled what was left to pay: cashbox (paid now) or balance; "
            "empty while the order is open."
        ),
    )
    paid_at_closing = money(
        read_only=True, help_text=_("Paid into a cashbox when the order was closed.")
    )
    covered_by_advance = money(
        read_only=True, help_text=_("Taken from the client's advance when it was closed.")
    )
    charged_to_balance = money(
        read_only=True, help_text=_("Left for the client to owe on the balance when it was closed.")
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "client",
            "client_name",
            "status",
            "status_name",
            "status_group",
            "order_type",
            "manager",
            "assignee",
            "malfunction",
            "description",
            "due_date",
            "items",
            "total",
            "paid",
            "settlement",
            "paid_at_closing",
            "covered_by_advance",
            "charged_to_balance",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class OrderFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The order's own fields (PATCH while it is open)."""

    order_type = serializers.CharField(max_length=64, required=False, allow_blank=True)
    manager = employee_field(help_text=_("The employee who opens the order, by default."))
    assignee = employee_field()
    malfunction = serializers.CharField(max_length=MAX_LONG_TEXT, required=False, allow_blank=True)
    description = serializers.CharField(max_length=MAX_LONG_TEXT, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class OrderCreateSerializer(OrderFieldsSerializer):
    """A new work order; it may have no lines yet."""

    client = VisibleRelatedField(queryset=Client.objects.all())
    status = serializers.PrimaryKeyRelatedField(
        queryset=OrderStatus.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("An active, open status; the first status of the New group by default."),
    )
    items = LineInputSerializer(many=True, required=False, max_length=MAX_LINES)

    def validate(self, attrs):
        check_lines(attrs.get("items", []), attrs["client"])
        return attrs


class OrderConvertSerializer(OrderFieldsSerializer):
    """What the order made from an estimate gets besides the estimate's lines; the manager
    and description follow the estimate's unless sent."""

    status = serializers.PrimaryKeyRelatedField(
        queryset=OrderStatus.objects.all(), required=False, allow_null=True
    )


class OrderStatusSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.PrimaryKeyRelatedField(queryset=OrderStatus.objects.all())
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)


class OrderCloseSerializer(StrictFieldsMixin, serializers.Serializer):
    settlement = serializers.ChoiceField(
        choices=SETTLEMENTS,
        help_text=_(
            "cashbox: what is left to pay is paid now into the cashbox; balance: it stays on "
            "the client's balance."
        ),
    )
    cashbox = serializers.PrimaryKeyRelatedField(
        queryset=Cashbox.objects.all(), required=False, allow_null=True
    )
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)


class OrderReopenSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(max_length=MAX_COMMENT, help_text=_("Why it is reopened."))


# --- estimates -------------------------------------------------------------------------------


class EstimateSerializer(serializers.ModelSerializer):
    """An estimate with its lines and, once converted, the order made from it."""

    client_name = serializers.CharField(source="client.display_name", read_only=True)
    items = LineSerializer(many=True, read_only=True)
    total = money(read_only=True)

    class Meta:
        model = Estimate
        fields = [
            "id",
            "number",
            "client",
            "client_name",
            "status",
            "manager",
            "description",
            "valid_until",
            "items",
            "total",
            "order",
            "created_at",
        ]
        read_only_fields = fields


class EstimateFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The estimate's own fields (PATCH while it is not converted or cancelled)."""

    manager = employee_field(help_text=_("The employee who writes it, by default."))
    description = serializers.CharField(max_length=MAX_LONG_TEXT, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class EstimateCreateSerializer(EstimateFieldsSerializer):
    client = VisibleRelatedField(queryset=Client.objects.all())
    items = LineInputSerializer(many=True, required=False, max_length=MAX_LINES)

    def validate(self, attrs):
        check_lines(attrs.get("items", []), attrs["client"])
        return attrs


class EstimateStatusSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Estimate.Status.choices,
        help_text=_("Converted is reached only by converting the estimate."),
    )


# --- sales -----------------------------------------------------------------------------------


class SaleSerializer(serializers.ModelSerializer):
    """A completed sale with its lines and what was returned of them."""

    client_name = serializers.CharField(source="client.display_name", read_only=True)
    items = SaleLineSerializer(many=True, read_only=True)
    total = money(read_only=True)
    paid = money(read_only=True)
    returned = money(read_only=True)
    return_state = serializers.ChoiceField(
        choices=[("", _("Nothing returned")), ("partial", _("Partly")), ("full", _("All"))],
        read_only=True,
    )

    class Meta:
        model = Sale
        fields = [
            "id",
            "number",
            "client",
            "client_name",
            "manager",
            "settlement",
            "comment",
            "items",
            "total",
            "paid",
            "returned",
            "return_state",
            "created_at",
        ]
        read_only_fields = fields


class SaleCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A sale, completed at once: paid now into a cashbox or charged to the balance."""

    client = VisibleRelatedField(queryset=Client.objects.all())
    items = LineInputSerializer(many=True, max_length=MAX_LINES)
    settlement = serializers.ChoiceField(choices=SETTLEMENTS)
    cashbox = serializers.PrimaryKeyRelatedField(
        queryset=Cashbox.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Required when the sale is paid now."),
    )
    manager = employee_field(help_text=_("The seller: the employee making the sale, by default."))
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)

    def validate(self, attrs):
        check_lines(attrs["items"], attrs["client"])
        return attrs


class ReturnLineInputSerializer(StrictFieldsMixin, serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text=_("The id of a line of the sale."))
    quantity = number(help_text=_("How much of the line comes back."))


class SaleReturnCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """Goods brought back. Without ``lines`` everything not yet returned comes back."""

    lines = ReturnLineInputSerializer(many=True, required=False, max_length=MAX_LINES)
    cashbox = serializers.PrimaryKeyRelatedField(
        queryset=Cashbox.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Pay money back from this cashbox; without it the client is only credited."),
    )
    refund = number(
        required=False,
        allow_null=True,
        help_text=_("How much is paid back; what the return credits, by default."),
    )
    reason = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)

    def validate_lines(self, lines):
        ids = [line["item"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("The same line is listed twice."))
        return lines


class ReturnLineSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id", read_only=True)
    quantity = serializers.DecimalField(max_digits=9, decimal_places=3, read_only=True)
    amount = money(read_only=True)


class SaleReturnSerializer(serializers.ModelSerializer):
    """A return: what it credited to the client and what was paid back."""

    lines = ReturnLineSerializer(many=True, read_only=True)
    amount = money(read_only=True)
    refunded = money(read_only=True)

    class Meta:
        model = SaleReturn
        fields = [
            "id",
            "sale",
            "amount",
            "refunded",
            "cashbox",
            "reason",
            "lines",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields
