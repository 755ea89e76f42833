from django.urls import path, re_path

from . import views

app_name = "leads"

# The three lists of the lead settings.
KIND = r"(?P<kind>types|statuses|lost-reasons)"

urlpatterns = [
    path("leads/", views.lead_list, name="list"),
    path("leads/new/", views.lead_create, name="create"),
    path("leads/<int:pk>/", views.lead_detail, name="detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="edit"),
    path("leads/<int:pk>/status/", views.lead_status, name="status"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="convert"),
    path("leads/<int:pk>/lost/", views.lead_lost, name="lost"),
    # "+ Lead" from a client's Leads tab
    path("clients/<int:pk>/leads/new/", views.client_lead_create, name="client_create"),
    path("settings/leads/", views.lead_settings, name="settings"),
    re_path(rf"^settings/leads/{KIND}/new/$", views.lead_choice_edit, name="choice_create"),
    re_path(
        rf"^settings/leads/{KIND}/(?P<pk>[0-9]+)/$", views.lead_choice_edit, name="choice_edit"
    ),
]
