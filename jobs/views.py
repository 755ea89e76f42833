"""Settings → Background tasks: is the queue moving, and what failed lately."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import queue_state, recent_failures

PAGE_SIZE = 50


@permission_required("core.settings", raise_exception=True)
def task_overview(request: HttpRequest) -> HttpResponse:
    page = Paginator(recent_failures(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/overview.html", {"state": queue_state(), "page": page})
