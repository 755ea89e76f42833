from rest_framework import mixins, serializers, viewsets

from .. import services
from ..filters import ProductFilter, ServiceFilter
from ..models import Product, Service
from ..permissions import CATALOG_EDIT
from .permissions import CatalogPermission
from .serializers import ProductSerializer, ServiceSerializer


class CatalogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What both catalogs share: read by anyone who works with documents, written with
    "Create and edit documents", never deleted (deactivate an item instead)."""

    permission_classes = [CatalogPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {"POST": CATALOG_EDIT, "PATCH": CATALOG_EDIT}
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def _call(self, operation, **kwargs):
        try:
            return operation(actor=self.request.user, **kwargs)
        except services.CatalogError as exc:
            raise serializers.ValidationError(exc.message_dict) from None


class ServiceViewSet(CatalogViewSet):
    """Services in the catalog: title, price and warranty (days)."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    model = Service

    def perform_create(self, serializer):
        serializer.instance = self._call(services.service_create, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self._call(
            services.service_update, service=serializer.instance, **serializer.validated_data
        )


class ProductViewSet(CatalogViewSet):
    """Products in the catalog: SKU (unique whatever its case), title, price and cost."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    model = Product

    def perform_create(self, serializer):
        serializer.instance = self._call(services.product_create, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self._call(
            services.product_update, product=serializer.instance, **serializer.validated_data
        )
