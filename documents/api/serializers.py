from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import StrictFieldsMixin
from core.money import MAX_AMOUNT

from ..models import SKU_MAX, TITLE_MAX, Product, Service
from ..services import MAX_WARRANTY_DAYS


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, **kwargs
    )


class ServiceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A service in the catalog. Unknown fields are refused (400)."""

    title = serializers.CharField(max_length=TITLE_MAX)
    price = money_field()
    warranty_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_WARRANTY_DAYS,
        required=False,
        default=0,
        help_text=_("Warranty period in days; 0 means none."),
    )
    active = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = Service
        fields = ["id", "title", "price", "warranty_days", "active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ProductSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A product in the catalog. Unknown fields are refused (400)."""

    sku = serializers.CharField(
        max_length=SKU_MAX, help_text=_("Unique whatever its case; kept as typed.")
    )
    title = serializers.CharField(max_length=TITLE_MAX)
    price = money_field()
    cost = money_field(required=False, default="0.00", help_text=_("What one unit costs the shop."))
    active = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "title", "price", "cost", "active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
