"""``/hooks/sms/<provider>/``: delivery reports. CSRF-exempt and open to the internet, so the
signature is all that vouches for a request.

Answers: 403 for a missing or wrong signature, 413 for a body over
``OFICINA_SMS_WEBHOOK_MAX_BODY``, 400 for a signed report we cannot read, 404 for an unknown
provider; 200 otherwise — also for a message id we do not know (a report for a message sent
from elsewhere, or deleted here), so the provider does not keep retrying it. Nothing changes
except through ``services.sms_report``, which moves a status only forward (a replay is
harmless)."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.webhooks import BodyTooLarge, read_limited_body

from .. import services
from ..backends import REPORT_FORMATS, BadReport, BadSignature

logger = logging.getLogger("oficina.sms")


@csrf_exempt
@login_not_required
@require_POST
def sms_hook(request: HttpRequest, provider: str) -> HttpResponse:
    report_format = REPORT_FORMATS.get(provider)
    if report_format is None:
        raise Http404
    try:
        body = read_limited_body(request, settings.OFICINA_SMS_WEBHOOK_MAX_BODY)
    except BodyTooLarge:
        return HttpResponse("too large", status=413, content_type="text/plain")
    try:
        report = report_format.parse_report(request, body)
    except BadSignature:
        logger.warning("SMS report from %s with a bad signature", provider)
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    except BadReport as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    message = services.sms_report(
        report_format=report_format,
        provider_id=report.provider_id,
        provider_status=report.provider_status,
        error_code=report.error_code,
        error=report.error,
        reference=report.reference,
    )
    if message is None:
        logger.info("SMS report from %s for unknown id %s", provider, report.provider_id)
    return HttpResponse("ok", content_type="text/plain")
