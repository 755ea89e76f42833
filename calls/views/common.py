"""What the call views share: the permission checks, the filtered and paginated list."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

from ..filters import CallFilter
from ..permissions import can_hear_recordings, can_view_calls

PAGE_SIZE = 25


def viewer_required(view):
    """403 unless the employee may see calls."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_view_calls(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def filtered_page(
    request: HttpRequest, queryset, params: QueryDict | None = None
) -> tuple[CallFilter, Page, str]:
    """The filter (an invalid one falls back to none), the page asked for, and the query
    string without ``page`` / ``part`` for the pagination links."""
    params = request.GET if params is None else params
    filterset = CallFilter(params, queryset=queryset)
    if not filterset.is_valid():
        filterset = CallFilter(QueryDict(), queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    for name in ("page", "part"):
        query.pop(name, None)
    return filterset, page, query.urlencode()


def row_context(request: HttpRequest) -> dict:
    return {"can_hear": can_hear_recordings(request.user)}
