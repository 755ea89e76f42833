from rest_framework.permissions import SAFE_METHODS

from core.api.permissions import RolePermission

from ..permissions import can_view_catalog, can_view_documents


class CatalogPermission(RolePermission):
    """Reads need any one of the catalog's view permissions, which a single code per method
    cannot express; writes use the view's ``required_permissions`` like every endpoint."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            user = request.user
            return bool(user and user.is_active) and can_view_catalog(user)
        return super().has_permission(request, view)


class DocumentPermission(RolePermission):
    """Orders, estimates and sales: reads need "View all documents" or "View only my
    documents" (the queryset then keeps the employee's scope); a write needs every code the
    view's ``required_permissions`` names for its action (a code or a tuple of codes)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method.lower() not in view.http_method_names:
            return True  # let the view answer 405 Method Not Allowed
        if request.method in SAFE_METHODS:
            return can_view_documents(user)
        required = view.required_permissions.get(getattr(view, "action", None))
        if required is None:
            return False
        codes = (required,) if isinstance(required, str) else required
        return all(user.has_perm(code) for code in codes)
