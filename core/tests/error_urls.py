"""The project's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urls


@login_not_required
def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *project_urls]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
