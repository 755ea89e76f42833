"""The SMS page of the whole shop, one row refreshed while its status may still change, and
the development outbox."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.htmx import wants_partial

from .. import services
from ..backends import OutboxBackend
from ..filters import SmsFilter
from ..models import OutboxMessage, SmsStatus
from ..selectors import sms_rows
from .common import PAGE_SIZE, can_view_sms

# htmx stops polling when the answer is 286.
STOP_POLLING = 286


@require_GET
def sms_list(request: HttpRequest) -> HttpResponse:
    """Every message the employee may see: filter by status, date, number or client."""
    if not can_view_sms(request.user):
        raise PermissionDenied
    filterset = SmsFilter(request.GET, queryset=sms_rows(request.user))
    if not filterset.is_valid():
        filterset = SmsFilter(QueryDict(), queryset=filterset.queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filterset": filterset,
        "query": query.urlencode(),
        "base": reverse("sms:list"),
        "statuses": SmsStatus.choices,
        "show_client": True,
    }
    template = "sms/list_results.html" if wants_partial(request) else "sms/list.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


@require_GET
def sms_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row, polled every few seconds while the message is not final; the final row goes
    back with 286 so htmx stops asking."""
    if not can_view_sms(request.user):
        raise PermissionDenied
    message = get_object_or_404(sms_rows(request.user), pk=pk)
    context = {"sms": message, "show_client": request.GET.get("client") == "1"}
    response = render(request, "sms/row.html", context)
    if message.is_final:
        response.status_code = STOP_POLLING
    return response


@permission_required("core.settings", raise_exception=True)
@require_GET
def sms_outbox(request: HttpRequest) -> HttpResponse:
    """What the outbox backend "sent", newest first, with buttons that simulate a delivery
    report (development)."""
    items = OutboxMessage.objects.select_related("message", "message__client")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "base": reverse("sms:outbox"),
        "query": "",
        "reports": [
            ("delivered", _("Delivered")),
            ("declined", _("Declined")),
            ("not_sent", _("Not sent")),
        ],
    }
    return render(request, "sms/outbox.html", context)


@permission_required("core.settings", raise_exception=True)
@require_POST
def sms_outbox_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Simulate the provider's delivery report for an outbox message."""
    item = get_object_or_404(OutboxMessage, pk=pk)
    status = request.POST.get("status", "")
    if status not in OutboxBackend.STATUSES:
        raise Http404
    services.sms_report(
        report_format=OutboxBackend,
        provider_id=item.provider_id,
        provider_status=status,
        error=_("Simulated report") if status != "delivered" else "",
    )
    return redirect("sms:outbox")
