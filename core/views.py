from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseServerError, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def home(request):
    """The start page is the client list: the client is the centre of Oficina."""
    return redirect("clients:list")


SETTINGS_PERMISSIONS = ("accounts.manage", "core.settings")


def settings_index(request):
    """One page that leads to every settings page the employee may change, grouped by area,
    so the top bar carries a single "Settings" link."""
    if not any(request.user.has_perm(code) for code in SETTINGS_PERMISSIONS):
        raise PermissionDenied
    return render(request, "core/settings_index.html")


# --- Error pages ------------------------------------------------------------------------------
# Django calls these (config/urls.py handler403/404/500, CSRF_FAILURE_VIEW) when DEBUG is off.
# Each page says what happened and offers a way back: the page the visitor came from (when it
# is one of ours), the client list for an employee, the sign-in page for anyone else. The API
# answers in JSON, as its other errors do.


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _login_url(request) -> str:
    query = QueryDict(mutable=True)
    query["next"] = request.get_full_path()
    return f"{reverse('accounts:login')}?{query.urlencode(safe='/')}"


def _way_back(request) -> dict:
    """Links out of an error page; computed from the request alone (no database but the
    session's employee, which the page's top bar reads anyway)."""
    referer = request.META.get("HTTP_REFERER", "")
    back_url = ""
    if (
        referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(referer).path != request.path
    ):
        back_url = referer
    signed_in = request.user.is_authenticated
    return {
        "back_url": back_url,
        "signed_in": signed_in,
        "login_url": "" if signed_in else _login_url(request),
    }


def _error_page(request, template: str, status: int, **context) -> HttpResponse:
    response = render(request, template, {**_way_back(request), **context}, status=status)
    patch_cache_control(response, no_store=True)
    return response


def permission_denied(request, exception=None):
    """403: the employee's role does not allow this page."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    # A reason the code raised with (already translated), never Django's own internals.
    reason = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        reason = exception.args[0]
    return _error_page(request, "403.html", 403, reason=reason)


def page_not_found(request, exception=None):
    """404: no such page, or one outside what the employee may see (never said which)."""
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return _error_page(request, "404.html", 404)


def csrf_failure(request, reason: str = ""):
    """403 for a form whose security token did not match (a page open too long, cookies
    blocked, or a form sent from another site)."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("CSRF check failed: reload the page and try again.")}, status=403
        )
    return _error_page(request, "403_csrf.html", 403)


def server_error(request):
    """500: rendered from the template alone, with no context processors, no session and no
    database, since any of them may be what failed."""
    if _wants_json(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    context = {
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        "retry_url": request.get_full_path() if request.method in ("GET", "HEAD") else "",
    }
    html = loader.get_template("500.html").render(context)
    response = HttpResponseServerError(html)
    patch_cache_control(response, no_store=True)
    return response
