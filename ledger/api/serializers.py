from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import Client
from core.api.serializers import StrictFieldsMixin
from core.money import MAX_AMOUNT

from ..models import Cashbox, LedgerEntry, Payment
from ..selectors import entry_source, resolve_document


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class CashboxSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    balance = money_field(read_only=True)

    class Meta:
        model = Cashbox
        fields = ["id", "title", "kind", "virtual", "active", "balance", "created_at"]
        read_only_fields = ["created_at"]


class DocumentSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    number = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="category", read_only=True)
    document = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()
    sale = serializers.SerializerMethodField()
    employee_name = serializers.CharField(source="employee.full_name", read_only=True, default="")

    class Meta:
        model = Payment
        fields = [
            "id",
            "kind",
            "direction",
            "client",
            "cashbox",
            "amount",
            "note",
            "order",
            "sale",
            "document",
            "employee",
            "employee_name",
            "cashbox_balance_after",
            "reverses",
            "created_at",
        ]
        read_only_fields = fields

    def get_document(self, payment) -> dict | None:
        if not payment.document_type:
            return None
        return {
            "type": payment.document_type,
            "id": payment.document_id,
            "number": payment.document_number,
        }

    def get_order(self, payment) -> int | None:
        return payment.document_id if payment.document_type == "order" else None

    def get_sale(self, payment) -> int | None:
        return payment.document_id if payment.document_type == "sale" else None


PAYMENT_KINDS = [
    ("advance", _("Advance: the client pays into a cashbox")),
    ("refund", _("Refund: money back to the client from a cashbox")),
    ("other_income", _("Other income into a cashbox")),
    ("other_expense", _("Other expense from a cashbox")),
]


class PaymentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=PAYMENT_KINDS)
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.all(), required=False, allow_null=True
    )
    cashbox = serializers.PrimaryKeyRelatedField(queryset=Cashbox.objects.all())
    amount = money_field(min_value=0, max_value=MAX_AMOUNT)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    order = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    sale = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    allow_overpayment = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "With an order: pay more than is left to pay on it; the surplus stays on the "
            "client's balance. Without it such a payment is refused."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = Client.objects.visible_to(request.user)

    def validate(self, attrs):
        needs_client = attrs["kind"] in ("advance", "refund")
        if needs_client and not attrs.get("client"):
            raise serializers.ValidationError({"client": [_("This field is required.")]})
        if not needs_client and attrs.get("client"):
            raise serializers.ValidationError(
                {"client": [_("Other income and expenses concern no client.")]}
            )
        order, sale = attrs.pop("order", None), attrs.pop("sale", None)
        if order and sale:
            raise serializers.ValidationError({"sale": [_("Give an order or a sale, not both.")]})
        if order or sale:
            doc_type, doc_id = ("order", order) if order else ("sale", sale)
            if attrs["kind"] != "advance":
                raise serializers.ValidationError(
                    {doc_type: [_("Only a payment from the client can be for a document.")]}
                )
            document = resolve_document(doc_type, doc_id)
            if document is None or document.client_id != attrs["client"].pk:
                raise serializers.ValidationError(
                    {doc_type: [_("No such document for this client.")]}
                )
            attrs["document"] = document
        elif attrs.get("allow_overpayment"):
            raise serializers.ValidationError(
                {
                    "allow_overpayment": [
                        _(
                            "Only a payment for an order or a sale may be more than is left "
                            "to pay on it."
                        )
                    ]
                }
            )
        return attrs


class LedgerEntrySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True, default="")
    source = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "created_at",
            "kind",
            "amount",
            "balance_after",
            "comment",
            "author",
            "author_name",
            "source",
            "reverses",
        ]
        read_only_fields = fields

    def get_source(self, entry) -> dict:
        return entry_source(entry)


class BalanceSerializer(serializers.Serializer):
    balance = money_field()
    state = serializers.ChoiceField(choices=["owes_us", "settled", "we_owe"])


class CorrectionSerializer(StrictFieldsMixin, serializers.Serializer):
    amount = money_field(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT)
    reason = serializers.CharField(max_length=500)


class ReversalSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=500)
