from rest_framework.permissions import SAFE_METHODS

from core.api.permissions import RolePermission

from ..permissions import can_view_catalog


class CatalogPermission(RolePermission):
    """Reads need any one of the catalog's view permissions, which a single code per method
    cannot express; writes use the view's ``required_permissions`` like every endpoint."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            user = request.user
            return bool(user and user.is_active) and can_view_catalog(user)
        return super().has_permission(request, view)
