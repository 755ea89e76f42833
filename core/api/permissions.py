"""API permission checks: the same role permissions the pages use."""

from rest_framework.permissions import BasePermission


class RolePermission(BasePermission):
    """Allow a request when the employee's role grants the permission its method needs.

    A view declares ``required_permissions``: a mapping from HTTP method (or action name) to a
    permission code such as ``"clients.delete"``. A method missing from the mapping is
    allowed to any signed-in employee only if the view sets ``"*"``.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method.lower() not in view.http_method_names:
            return True  # let the view answer 405 Method Not Allowed
        required = getattr(view, "required_permissions", None)
        if required is None:
            return True
        action = getattr(view, "action", None)
        code = required.get(action) if action else None
        if code is None:
            code = required.get(request.method, required.get("*"))
        if code is None:
            return False
        return user.has_perm(code)
