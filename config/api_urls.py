"""The REST API under /api/v1/: each app's viewsets, registered on one router."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from clients.api.views import ClientViewSet
from documents.api.views import ProductViewSet, ServiceViewSet
from ledger.api import views as ledger

router = DefaultRouter()
router.include_root_view = False
router.register("clients", ClientViewSet, basename="client")
router.register("cashboxes", ledger.CashboxViewSet, basename="cashbox")
router.register("payments", ledger.PaymentViewSet, basename="payment")
router.register("services", ServiceViewSet, basename="service")
router.register("products", ProductViewSet, basename="product")

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
    path("", include(router.urls)),
]
