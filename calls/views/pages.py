"""The shop's calls page (filters, search by number, pagination) and a call's recording,
streamed with Range support to employees who may hear it — never through MEDIA_URL."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.htmx import wants_partial

from ..audio import content_type_for
from ..models import Call
from ..permissions import can_hear_recordings
from ..ranges import ranged_file_response
from ..selectors import call_rows
from .common import filtered_page, row_context, viewer_required


@viewer_required
@require_http_methods(["GET", "HEAD"])
def call_list(request: HttpRequest) -> HttpResponse:
    """Every call the employee may see, newest first: All / Incoming / Outgoing, status,
    search by number."""
    filterset, page, query = filtered_page(request, call_rows(request.user))
    context = {
        "page": page,
        "filterset": filterset,
        "query": query,
        "base": reverse("calls:list"),
        "directions": Call.Direction.choices,
        "statuses": [c for c in Call.Status.choices if c[0] != Call.Status.IN_PROGRESS],
        **row_context(request),
    }
    template = "calls/list_results.html" if wants_partial(request) else "calls/list.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


@require_http_methods(["GET", "HEAD"])
def call_recording(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's recording (``?download=1``: as an attachment): 403 without "Listen to and
    download call recordings", 404 for a call the employee may not see or without one."""
    if not can_hear_recordings(request.user):
        if not request.user.has_perm("communications.recordings"):
            raise PermissionDenied
        raise Http404
    call = get_object_or_404(Call.objects.visible_to(request.user), pk=pk)
    if not call.has_recording:
        raise Http404
    storage = call.recording.storage
    name = call.recording.name
    if not storage.exists(name):
        raise Http404
    extension = name.rsplit(".", 1)[-1]
    # The shop's clock (TIME_ZONE), as the call is shown on every page, not UTC.
    stamp = timezone.localtime(call.started_at).strftime("%Y%m%d-%H%M")
    return ranged_file_response(
        request,
        storage,
        name,
        content_type=content_type_for(name),
        filename=f"call-{call.pk}-{stamp}.{extension}",
        as_attachment=request.GET.get("download") == "1",
    )
