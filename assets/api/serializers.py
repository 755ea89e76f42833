"""What the assets API reads and writes. Writes are checked here for shape only; the rules
live in ``assets.services``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Employee
from clients.models import Client
from core.api.serializers import StrictFieldsMixin

from ..models import (
    COMMENT_MAX,
    NAME_MAX,
    SERIAL_MAX,
    Asset,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    Transfer,
    Warehouse,
)
from ..models.directory import NAME_MAX as ENTRY_NAME_MAX
from ..services import MAX_NOTE


@extend_schema_field(OpenApiTypes.INT)
class VisibleClientField(serializers.PrimaryKeyRelatedField):
    """A client the employee may see, by id."""

    def get_queryset(self):
        request = self.context.get("request")
        return Client.objects.visible_to(request.user if request else None)


class AssetSerializer(serializers.ModelSerializer):
    """An asset as the API shows it. ``owner`` is a client id, or null for the company."""

    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    warehouse_name = serializers.CharField(source="warehouse.display_name", read_only=True)
    photo = serializers.SerializerMethodField(
        help_text=_("Where to download the photo (the same permission), or null.")
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "serial",
            "name",
            "owner",
            "warehouse",
            "warehouse_name",
            "group",
            "brand",
            "model",
            "modification",
            "status",
            "comment",
            "custom_fields",
            "photo",
            "written_off_at",
            "write_off_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_photo(self, asset: Asset) -> str | None:
        if not asset.photo:
            return None
        url = reverse("asset-photo", args=[asset.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AssetWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """What POST and PATCH accept. ``name`` may be free text, or left out (or empty) to
    build it from ``group``, ``brand``, ``model`` and ``modification``. Sending another
    ``warehouse`` in a PATCH moves the asset (a transfer)."""

    serial = serializers.CharField(
        max_length=SERIAL_MAX,
        help_text=_("Unique whatever its case and the spaces around it."),
    )
    name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    owner = VisibleClientField(
        required=False, allow_null=True, help_text=_("A client id; null: the company.")
    )
    warehouse = serializers.PrimaryKeyRelatedField(
        queryset=Warehouse.objects.all(),
        required=False,
        help_text=_("Where the asset is; by default “At client” for a client's asset."),
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssetGroup.objects.all(), required=False, allow_null=True
    )
    brand = serializers.PrimaryKeyRelatedField(
        queryset=Brand.objects.all(), required=False, allow_null=True
    )
    model = serializers.PrimaryKeyRelatedField(
        queryset=AssetModel.objects.all(), required=False, allow_null=True
    )
    modification = serializers.PrimaryKeyRelatedField(
        queryset=Modification.objects.all(), required=False, allow_null=True
    )
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True)
    custom_fields = serializers.JSONField(required=False)
    photo = serializers.FileField(
        required=False,
        allow_null=True,
        allow_empty_file=True,
        use_url=False,
        help_text=_("A JPEG, PNG or WebP image (multipart); null removes the photo."),
    )


class TransferSerializer(serializers.ModelSerializer):
    """One move of an asset; ``from_warehouse`` is null for where it was received."""

    class Meta:
        model = Transfer
        fields = [
            "id",
            "asset",
            "from_warehouse",
            "to_warehouse",
            "owner",
            "employee",
            "order",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


class MoveSerializer(StrictFieldsMixin, serializers.Serializer):
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    comment = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True)


class WriteOffSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_NOTE)


class WarehouseSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A warehouse. ``kind`` is ``company`` or ``employee`` for a new one (with
    ``employee``); kind and employee do not change afterwards."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Warehouse.Kind.choices, required=False)
    employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.filter(is_active=True), required=False, allow_null=True
    )
    position = serializers.IntegerField(min_value=0, max_value=999, required=False, default=0)
    active = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = Warehouse
        fields = ["id", "name", "kind", "employee", "position", "active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A built-in warehouse not renamed reads in the caller's language, like the settings
        # form; sending that name back keeps it built in.
        data["name"] = instance.display_name
        return data


class DirectoryEntrySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    name = serializers.CharField(max_length=ENTRY_NAME_MAX)
    active = serializers.BooleanField(required=False, default=True)


class AssetGroupSerializer(DirectoryEntrySerializer):
    class Meta:
        model = AssetGroup
        fields = ["id", "name", "active"]


class BrandSerializer(DirectoryEntrySerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "active"]


class AssetModelSerializer(DirectoryEntrySerializer):
    class Meta:
        model = AssetModel
        fields = ["id", "brand", "name", "active"]


class ModificationSerializer(DirectoryEntrySerializer):
    class Meta:
        model = Modification
        fields = ["id", "model", "name", "active"]
