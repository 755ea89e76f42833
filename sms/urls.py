from django.urls import path

from . import views

app_name = "sms"

urlpatterns = [
    path("sms/", views.sms_list, name="list"),
    path("sms/<int:pk>/row/", views.sms_row, name="row"),
    path("sms/outbox/", views.sms_outbox, name="outbox"),
    path("sms/outbox/<int:pk>/report/", views.sms_outbox_report, name="outbox_report"),
    path("clients/<int:pk>/sms/new/", views.client_sms_new, name="client_new"),
    path("clients/<int:pk>/sms/preview/", views.client_sms_preview, name="client_preview"),
    path("clients/<int:pk>/sms/fill/", views.client_sms_fill, name="client_fill"),
    path("settings/sms-templates/", views.sms_template_list, name="templates"),
    path("settings/sms-templates/new/", views.sms_template_edit, name="template_create"),
    path("settings/sms-templates/<int:pk>/", views.sms_template_edit, name="template_edit"),
    path(
        "settings/sms-templates/<int:pk>/delete/",
        views.sms_template_delete,
        name="template_delete",
    ),
    path("hooks/sms/<slug:provider>/", views.sms_hook, name="hook"),
]
