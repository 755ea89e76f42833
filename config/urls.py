from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import home, settings_index

urlpatterns = [
    path("", home, name="home"),
    path("settings/", settings_index, name="settings"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("accounts.urls")),
    path("", include("clients.urls")),
    path("", include("ledger.urls")),
    path("", include("documents.urls")),
    path("", include("leads.urls")),
    path("", include("assets.urls")),
    path("", include("jobs.urls")),
    path("", include("calls.urls")),
    path("", include("sms.urls")),
    path("", include("conversations.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

# Uploaded files (asset photos, later recordings) are never served from MEDIA_URL, not even
# in DEBUG: each goes through a view that checks the employee may see it.

# The product's own error pages when DEBUG is off (`make run`, production): translated, with a
# way back; the API answers these in JSON (core/views.py).
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
