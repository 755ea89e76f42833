from django.urls import path

from . import views
from .views import settings

app_name = "assets"

urlpatterns = [
    path("assets/", views.asset_list, name="list"),
    path("assets/new/", views.asset_create, name="create"),
    path("assets/<int:pk>/", views.asset_profile, name="detail"),
    path("assets/<int:pk>/photo/", views.asset_photo, name="photo"),
    path("assets/<int:pk>/move/", views.asset_move, name="move"),
    path("assets/<int:pk>/write-off/", views.asset_write_off, name="write_off"),
    path("assets/<int:pk>/new-order/", views.asset_order_create, name="order_create"),
    path("assets/<int:pk>/<slug:tab>/", views.asset_profile, name="tab"),
    # "+ Asset" from a client's Assets tab, and linking an asset to a work order
    path("clients/<int:pk>/assets/new/", views.client_asset_create, name="client_create"),
    path("orders/<int:pk>/asset/", views.order_asset_link, name="order_link"),
    # Settings
    path("settings/assets/", settings.settings_index, name="settings"),
    path("settings/assets/warehouses/", settings.warehouse_list, name="warehouse_list"),
    path("settings/assets/warehouses/new/", settings.warehouse_edit, name="warehouse_create"),
    path("settings/assets/warehouses/<int:pk>/", settings.warehouse_edit, name="warehouse_edit"),
    path("settings/assets/order-statuses/", settings.status_move_list, name="status_move_list"),
    path(
        "settings/assets/order-statuses/<int:status_pk>/",
        settings.status_move_edit,
        name="status_move_edit",
    ),
    path("settings/assets/custom-fields/", settings.custom_field_list, name="custom_field_list"),
    path(
        "settings/assets/custom-fields/new/",
        settings.custom_field_edit,
        name="custom_field_create",
    ),
    path(
        "settings/assets/custom-fields/<int:pk>/",
        settings.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "settings/assets/directory/<slug:section>/",
        settings.directory_list,
        name="directory_list",
    ),
    path(
        "settings/assets/directory/<slug:section>/new/",
        settings.directory_edit,
        name="directory_create",
    ),
    path(
        "settings/assets/directory/<slug:section>/<int:pk>/",
        settings.directory_edit,
        name="directory_edit",
    ),
]
