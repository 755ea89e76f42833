from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Employee
from core.api.serializers import StrictFieldsMixin
from core.phones import MAX_PHONE_INPUT, normalize_phone

from .. import services
from ..custom_fields import merge_custom_fields
from ..models import AdCampaign, Client

MAX_PHONES = 20
MAX_TAGS = 50


class PhoneSerializer(StrictFieldsMixin, serializers.Serializer):
    number = serializers.CharField(
        max_length=MAX_PHONE_INPUT, help_text=_("Any common format; stored and returned in E.164.")
    )
    label = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    notify = serializers.BooleanField(required=False, default=True)

    def validate_number(self, value: str) -> str:
        try:
            return normalize_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class TagNamesField(serializers.ListField):
    child = serializers.CharField(max_length=50)

    def to_representation(self, value):
        return [tag.name for tag in value.all()]


class ClientSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    phones = PhoneSerializer(many=True, required=False, max_length=MAX_PHONES)
    tags = TagNamesField(required=False, max_length=MAX_TAGS)
    custom_fields = serializers.JSONField(required=False)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_(
            "The employee who manages the client. Left out on creation: the employee making "
            "the request; null: nobody."
        ),
    )
    marketing_source = serializers.PrimaryKeyRelatedField(
        queryset=AdCampaign.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "kind",
            "first_name",
            "last_name",
            "name",
            "tax_id",
            "display_name",
            "phones",
            "email",
            "address",
            "birthday",
            "notes",
            "marketing_source",
            "discount_goods",
            "discount_services",
            "tags",
            "custom_fields",
            "manager",
            "conflicted",
            "supplier",
            "archived",
            "balance",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["display_name", "archived", "balance", "created_at", "updated_at"]

    def validate_phones(self, phones):
        numbers = [p["number"] for p in phones]
        if len(numbers) != len(set(numbers)):
            raise serializers.ValidationError(_("The same number is listed twice."))
        return phones

    def validate(self, attrs):
        instance = self.instance
        kind = attrs.get("kind", instance.kind if instance else Client.Kind.PERSON)

        def value(field):
            return attrs.get(field, getattr(instance, field, "") if instance else "")

        if kind == Client.Kind.PERSON and not (value("first_name") or "").strip():
            raise serializers.ValidationError({"first_name": [_("A person needs a first name.")]})
        if kind == Client.Kind.ORGANIZATION and not (value("name") or "").strip():
            raise serializers.ValidationError({"name": [_("An organization needs a name.")]})
        if "custom_fields" in attrs or instance is None:
            sent = attrs.get("custom_fields", {})
            if not isinstance(sent, dict):
                raise serializers.ValidationError(
                    {"custom_fields": [_("Expected an object of field keys and values.")]}
                )
            stored = instance.custom_fields if instance else {}
            try:
                attrs["custom_fields"] = merge_custom_fields(stored, sent)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"custom_fields": exc.message_dict}) from None
        return attrs

    def _split(self, validated):
        phones = validated.pop("phones", None)
        tags = validated.pop("tags", None)
        phone_inputs = None if phones is None else [services.PhoneInput(**p) for p in phones]
        return validated, phone_inputs, tags

    def create(self, validated_data):
        data, phones, tags = self._split(validated_data)
        return services.client_create(
            actor=self.context["request"].user, data=data, phones=phones, tags=tags
        )

    def update(self, instance, validated_data):
        data, phones, tags = self._split(validated_data)
        return services.client_update(
            actor=self.context["request"].user,
            client=instance,
            data=data,
            phones=phones,
            tags=tags,
        )
