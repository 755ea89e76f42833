from django.urls import path

from . import settings_views, views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/duplicates/", views.duplicate_check, name="duplicates"),
    path("clients/<int:pk>/", views.client_profile, name="profile"),
    path("clients/<int:pk>/archive/", views.client_archive, name="archive"),
    path("clients/<int:pk>/delete/", views.client_delete, name="delete"),
    path("clients/<int:pk>/<slug:tab>/", views.client_profile, name="tab"),
    path(
        "settings/marketing-sources/",
        settings_views.AdCampaignListView.as_view(),
        name="adcampaign_list",
    ),
    path(
        "settings/marketing-sources/new/",
        settings_views.AdCampaignCreateView.as_view(),
        name="adcampaign_create",
    ),
    path(
        "settings/marketing-sources/<int:pk>/",
        settings_views.AdCampaignUpdateView.as_view(),
        name="adcampaign_edit",
    ),
    path(
        "settings/custom-fields/",
        settings_views.CustomFieldListView.as_view(),
        name="customfield_list",
    ),
    path(
        "settings/custom-fields/new/",
        settings_views.CustomFieldCreateView.as_view(),
        name="customfield_create",
    ),
    path(
        "settings/custom-fields/<int:pk>/",
        settings_views.CustomFieldUpdateView.as_view(),
        name="customfield_edit",
    ),
]
