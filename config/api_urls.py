"""The REST API under /api/v1/: each app's viewsets, registered on one router."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from clients.api.views import ClientViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("clients", ClientViewSet, basename="client")

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("", include(router.urls)),
]
