"""What the lead views share: the permission checks, finding a lead in the employee's scope
(outside it is 404) and showing a refused operation next to its fields."""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Lead
from ..permissions import can_convert_leads, can_edit_leads, can_view_leads


def viewer_required(view):
    """403 unless the employee may see leads ("all" or "only mine")."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_view_leads(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def require_edit(request: HttpRequest) -> None:
    if not can_edit_leads(request.user):
        raise PermissionDenied


def require_convert(request: HttpRequest) -> None:
    if not can_convert_leads(request.user):
        raise PermissionDenied


def scoped_lead(request: HttpRequest, pk: int) -> Lead:
    """The lead, with what its page shows, if the employee may see it; else 404."""
    return get_object_or_404(
        Lead.objects.visible_to(request.user)
        .with_row()
        .select_related("ad_campaign", "created_by"),
        pk=pk,
    )


def add_errors(form, exc: ValidationError) -> None:
    """Show a refused operation's messages next to their fields, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
