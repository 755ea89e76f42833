"""The REST API under /api/v1/: each app's viewsets, registered on one router."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from assets.api import views as assets
from calls.api.views import CallViewSet
from clients.api.views import ClientViewSet
from conversations.api.views import ConversationViewSet
from documents.api.estimates import EstimateViewSet
from documents.api.orders import OrderViewSet
from documents.api.sales import SaleViewSet
from documents.api.views import ProductViewSet, ServiceViewSet
from leads.api.views import LeadViewSet
from ledger.api import views as ledger
from sms.api.views import SmsViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("clients", ClientViewSet, basename="client")
router.register("cashboxes", ledger.CashboxViewSet, basename="cashbox")
router.register("payments", ledger.PaymentViewSet, basename="payment")
router.register("services", ServiceViewSet, basename="service")
router.register("products", ProductViewSet, basename="product")
router.register("orders", OrderViewSet, basename="order")
router.register("estimates", EstimateViewSet, basename="estimate")
router.register("sales", SaleViewSet, basename="sale")
router.register("leads", LeadViewSet, basename="lead")
router.register("assets", assets.AssetViewSet, basename="asset")
router.register("warehouses", assets.WarehouseViewSet, basename="warehouse")
router.register("sms", SmsViewSet, basename="sms")
router.register("asset-groups", assets.AssetGroupViewSet, basename="asset-group")
router.register("brands", assets.BrandViewSet, basename="brand")
router.register("models", assets.AssetModelViewSet, basename="asset-model")
router.register("modifications", assets.ModificationViewSet, basename="modification")
router.register("calls", CallViewSet, basename="call")
router.register("conversations", ConversationViewSet, basename="conversation")

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("clients/<int:pk>/balance/", ledger.ClientBalanceView.as_view(), name="client-balance"),
    path("clients/<int:pk>/ledger/", ledger.ClientLedgerView.as_view(), name="client-ledger"),
    path(
        "clients/<int:pk>/ledger.xlsx",
        ledger.ClientLedgerExportView.as_view(),
        name="client-ledger-xlsx",
    ),
    path(
        "clients/<int:pk>/ledger/<int:entry_id>/reverse/",
        ledger.EntryReverseView.as_view(),
        name="client-ledger-reverse",
    ),
    path(
        "clients/<int:pk>/corrections/",
        ledger.ClientCorrectionView.as_view(),
        name="client-corrections",
    ),
    path(
        "assets/<int:pk>/transfers/",
        assets.AssetTransfersView.as_view(),
        name="asset-transfers",
    ),
    path("", include(router.urls)),
]
