"""``/api/v1/assets/`` (with ``transfers/``, ``write-off/`` and ``photo/``),
``/api/v1/warehouses/`` and the directory (``asset-groups/``, ``brands/``, ``models/``,
``modifications/``). Reading needs "View assets"; writing assets "Create, edit and move
assets"; warehouses and the directory are settings ("Manage settings")."""

import django_filters
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import services
from ..filters import AssetFilter
from ..models import AssetGroup, AssetModel, Brand, Modification, Transfer, Warehouse
from ..photos import content_type
from ..selectors import asset_transfers, assets_list
from .serializers import (
    AssetGroupSerializer,
    AssetModelSerializer,
    AssetSerializer,
    AssetWriteSerializer,
    BrandSerializer,
    ModificationSerializer,
    MoveSerializer,
    TransferSerializer,
    WarehouseSerializer,
    WriteOffSerializer,
)

VIEW, EDIT, SETTINGS = "assets.view", "assets.edit", "core.settings"
READ = {"GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}


class Refused(APIException):
    """A 400 whose body is given as is (``existing_asset`` stays a number)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, body: dict):
        self.detail = body


def refusal(exc: ValidationError) -> APIException:
    """A refused service call as a 400 body: per field, or ``{"detail": "..."}``. A serial
    number that is taken also names the asset that has it (``existing_asset``)."""
    if not hasattr(exc, "error_dict"):
        return Refused({"detail": " ".join(exc.messages)})
    body: dict = {field: list(messages) for field, messages in exc.message_dict.items()}
    existing = getattr(exc, "existing", None)
    if existing is not None:
        body["existing_asset"] = existing.pk
    return Refused(body)


class ServiceCallMixin:
    def incoming(self, serializer_class, **kwargs) -> dict:
        """The request body, checked by ``serializer_class`` (400 when it is not right)."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def call(self, operation, **kwargs):
        """Run a service as the employee; a refusal becomes a 400."""
        try:
            return operation(actor=self.request.user, **kwargs)
        except ValidationError as exc:
            raise refusal(exc) from None


class AssetViewSet(
    ServiceCallMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Assets: filter by ``client`` (owner id), ``owner`` (company / clients), ``warehouse``,
    ``serial`` (exact, case ignored), ``search`` (serial or name) and ``status``. A duplicate
    serial number is refused (400) with ``existing_asset``, the id of the asset that has it."""

    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {**READ, "POST": EDIT, "PATCH": EDIT}

    def get_queryset(self):
        return assets_list(self.request.user)

    def answer(self, asset, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=asset.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=AssetWriteSerializer, responses={201: AssetSerializer})
    def create(self, request, *args, **kwargs):
        data = self.incoming(AssetWriteSerializer)
        if data.get("photo") is None:
            data.pop("photo", None)
        asset = self.call(services.asset_create, **data)
        return self.answer(asset, status.HTTP_201_CREATED)

    @extend_schema(request=AssetWriteSerializer, responses=AssetSerializer)
    def partial_update(self, request, *args, **kwargs):
        asset = self.get_object()
        data = self.incoming(AssetWriteSerializer, partial=True)
        photo = data.pop("photo") if "photo" in data else services.UNSET
        asset = self.call(services.asset_update, asset=asset, photo=photo, **data)
        return self.answer(asset)

    @extend_schema(
        summary="Write the asset off: it can no longer be moved",
        request=WriteOffSerializer,
        responses=AssetSerializer,
    )
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request, pk=None):
        asset = self.get_object()
        data = self.incoming(WriteOffSerializer)
        return self.answer(self.call(services.asset_write_off, asset=asset, **data))

    @extend_schema(
        summary="The asset's photo",
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description="No photo"),
        },
    )
    @action(detail=True, methods=["get"], url_name="photo")
    def photo(self, request, pk=None):
        asset = self.get_object()
        if not asset.photo or not default_storage.exists(asset.photo.name):
            raise Http404
        return FileResponse(
            default_storage.open(asset.photo.name, "rb"),
            content_type=content_type(asset.photo.name),
        )

    def filter_queryset(self, queryset):
        # The write-off and photo actions act on one asset: no list filters.
        if self.action in ("write_off", "photo"):
            return queryset
        return super().filter_queryset(queryset)


class AssetTransfersView(ServiceCallMixin, generics.ListCreateAPIView):
    """``/api/v1/assets/{id}/transfers/``: the asset's moves, newest first; POST moves it
    (a new transfer; moving back is another one)."""

    serializer_class = TransferSerializer
    required_permissions = {**READ, "POST": EDIT}

    def asset(self):
        return get_object_or_404(assets_list(self.request.user), pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Transfer.objects.none()
        return asset_transfers(self.asset())

    @extend_schema(
        summary="Move the asset to another warehouse",
        request=MoveSerializer,
        responses={201: TransferSerializer},
    )
    def post(self, request, *args, **kwargs):
        asset = self.asset()
        data = self.incoming(MoveSerializer)
        transfer = self.call(services.asset_move, asset=asset, **data)
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class SettingsViewSet(
    ServiceCallMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What warehouses and the directory share: read by anyone who sees assets, written
    with "Manage settings", never deleted (deactivate instead)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {**READ, "POST": SETTINGS, "PATCH": SETTINGS}
    save = None  # the save service (a staticmethod)
    item_arg = ""

    def values(self, serializer) -> dict:
        """Every field the save service takes: the sent ones, the stored ones otherwise."""
        instance = serializer.instance
        data = dict(serializer.validated_data)
        if instance is not None:
            for name in serializer.Meta.fields:
                if name != "id" and name not in data:
                    data[name] = getattr(instance, name)
        return data

    def perform_create(self, serializer):
        serializer.instance = self.call(
            self.save, **{self.item_arg: None}, **self.values(serializer)
        )

    def perform_update(self, serializer):
        serializer.instance = self.call(
            self.save, **{self.item_arg: serializer.instance}, **self.values(serializer)
        )


class WarehouseFilter(django_filters.FilterSet):
    class Meta:
        model = Warehouse
        fields = ["kind", "active", "employee"]


class WarehouseViewSet(SettingsViewSet):
    """Warehouses: "At client" (the one meaning "with its owner"), the company's and the
    employees'."""

    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter
    queryset = Warehouse.objects.order_by("position", "name", "id")
    save = staticmethod(services.warehouse_save)
    item_arg = "warehouse"

    def values(self, serializer) -> dict:
        data = super().values(serializer)
        data.setdefault("kind", Warehouse.Kind.COMPANY)
        return data


class AssetGroupViewSet(SettingsViewSet):
    """Asset groups of the directory ("Smartphone", "Notebook")."""

    serializer_class = AssetGroupSerializer
    queryset = AssetGroup.objects.order_by("name", "id")
    filterset_fields = ["active"]
    save = staticmethod(services.group_save)
    item_arg = "group"


class BrandViewSet(SettingsViewSet):
    """Brands of the directory."""

    serializer_class = BrandSerializer
    queryset = Brand.objects.order_by("name", "id")
    filterset_fields = ["active"]
    save = staticmethod(services.brand_save)
    item_arg = "brand"


class AssetModelViewSet(SettingsViewSet):
    """Models of the directory, each of a brand (filter ``brand``)."""

    serializer_class = AssetModelSerializer
    queryset = AssetModel.objects.order_by("brand_id", "name", "id")
    filterset_fields = ["brand", "active"]
    save = staticmethod(services.model_save)
    item_arg = "model"


class ModificationViewSet(SettingsViewSet):
    """Modifications of the directory, each of a model (filter ``model``)."""

    serializer_class = ModificationSerializer
    queryset = Modification.objects.order_by("model_id", "name", "id")
    filterset_fields = ["model", "active"]
    save = staticmethod(services.modification_save)
    item_arg = "modification"
