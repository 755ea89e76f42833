from django.conf import settings
from django.urls import path, re_path

from . import views
from .views.webhooks import PROVIDER

app_name = "calls"

urlpatterns = [
    path("calls/", views.call_list, name="list"),
    path("calls/<int:pk>/recording/", views.call_recording, name="recording"),
    re_path(rf"^hooks/calls/(?P<provider>{PROVIDER})/$", views.call_webhook, name="webhook"),
]

if settings.OFICINA_BENCH_PING:
    urlpatterns.append(path("hooks/ping/", views.ping, name="ping"))
