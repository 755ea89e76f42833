"""What the asset views share: the permission checks, finding an asset in the employee's
scope (outside it is 404) and pagination."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Asset

PAGE_SIZE = 25


def require(request: HttpRequest, *codes: str) -> None:
    """403 unless the employee has every permission in ``codes``."""
    if not all(request.user.has_perm(code) for code in codes):
        raise PermissionDenied


def permission(*codes: str):
    """A view decorator: 403 unless the employee has every permission in ``codes``."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request, *codes)
            return view(request, *args, **kwargs)

        return checked

    return decorate


def scoped_asset(request: HttpRequest, pk: int) -> Asset:
    """The asset if the employee may see it, with its owner and warehouse; else 404."""
    return get_object_or_404(
        Asset.objects.visible_to(request.user)
        .with_card()
        .select_related("group", "brand", "model", "modification", "written_off_by"),
        pk=pk,
    )


def page_of(request: HttpRequest, queryset) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
