"""Document lines in the API, shared by orders, estimates and sales: what is sent in (a
service, a product or free text), checked with the same ``line_values`` the services use so
a refused line is reported under its index in ``items``, and what is read back."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.models import Employee
from core.api.serializers import StrictFieldsMixin

from ..lines import line_values
from ..models import TITLE_MAX, Product, Service
from ..totals import DiscountKind, LineKind


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def number(**kwargs) -> serializers.DecimalField:
    """A number sent in: any precision, so the services' own range and places checks answer."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


def employee_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), required=False, allow_null=True, **kwargs
    )


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of something the employee may see (the queryset's ``visible_to``); any other
    id reads as one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(request.user if request else None)


# --- lines -----------------------------------------------------------------------------------


class LineInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A line sent in: ``{"service": id}``, ``{"product": id}`` or ``{"title": "..."}``."""

    kind = serializers.ChoiceField(
        choices=LineKind.choices,
        required=False,
        help_text=_("Optional: follows from service, product or neither (free text)."),
    )
    service = VisibleRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    product = VisibleRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text=_("Required for a free-text line; the catalog item's title by default."),
    )
    quantity = number(required=False, help_text=_("1 by default; up to three decimals."))
    price = number(
        required=False, allow_null=True, help_text=_("The catalog item's price by default.")
    )
    discount = number(
        required=False,
        allow_null=True,
        help_text=_("The client's personal discount (in percent) by default."),
    )
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices, required=False)
    warranty_days = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The service's warranty by default.")
    )
    assignee = employee_field()

    def validate(self, attrs):
        service, product = attrs.get("service"), attrs.get("product")
        if service is not None and product is not None:
            raise serializers.ValidationError(
                {"product": [_("A line is a service or a product, not both.")]}
            )
        if "kind" not in attrs:
            attrs["kind"] = (
                LineKind.SERVICE
                if service is not None
                else LineKind.PRODUCT
                if product is not None
                else LineKind.TEXT
            )
        return attrs


class LineChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    """Changes to a line already on a document; its item stays what it is."""

    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    quantity = number(required=False)
    price = number(required=False)
    discount = number(required=False)
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices, required=False)
    warranty_days = serializers.IntegerField(required=False)
    assignee = employee_field()


def check_lines(lines: list[dict], client) -> None:
    """Refuse the request when a line could not be added to ``client``'s document, with
    each refused line's messages under its index in ``items``."""
    errors = {}
    for index, line in enumerate(lines):
        try:
            line_values(error=DjangoValidationError, client=client, **line)
        except DjangoValidationError as refused:
            errors[index] = refused.message_dict
    if errors and not api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
        errors = [errors.get(index, {}) for index in range(len(lines))]
    if errors:
        # The shape DRF gives a list's own errors, so both kinds read alike.
        raise serializers.ValidationError({"items": errors})


class LineSerializer(serializers.Serializer):
    """A line of a document as it was stored, with its discount and total worked out."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=LineKind.choices, read_only=True)
    service = serializers.IntegerField(source="service_id", read_only=True, allow_null=True)
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    quantity = serializers.DecimalField(max_digits=9, decimal_places=3, read_only=True)
    price = money(read_only=True)
    discount = money(read_only=True)
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices, read_only=True)
    discount_amount = money(read_only=True, help_text=_("The money the discount takes off."))
    total = money(read_only=True)
    warranty_days = serializers.IntegerField(read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)
    position = serializers.IntegerField(read_only=True)


class SaleLineSerializer(LineSerializer):
    returned_quantity = serializers.DecimalField(max_digits=9, decimal_places=3, read_only=True)
    returned_amount = money(read_only=True)
