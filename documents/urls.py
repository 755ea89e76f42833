from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "documents"

urlpatterns = [
    path("catalog/", RedirectView.as_view(pattern_name="documents:service_list"), name="catalog"),
    path("catalog/services/", views.service_list, name="service_list"),
    path("catalog/services/new/", views.service_edit, name="service_create"),
    path("catalog/services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("catalog/products/", views.product_list, name="product_list"),
    path("catalog/products/new/", views.product_edit, name="product_create"),
    path("catalog/products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    # The line's catalog picker: what matches the words typed so far
    path("catalog/pick/", views.catalog_pick_view, name="catalog_pick"),
    path("settings/order-statuses/", views.order_status_list, name="order_status_list"),
    path("settings/order-statuses/new/", views.order_status_edit, name="order_status_create"),
    path("settings/order-statuses/<int:pk>/", views.order_status_edit, name="order_status_edit"),
    # "+ Order", "+ Estimate", "+ Sale" from a client's Documents tab
    path("clients/<int:pk>/documents/new-order/", views.order_create, name="order_create"),
    path("clients/<int:pk>/documents/new-estimate/", views.estimate_create, name="estimate_create"),
    path("clients/<int:pk>/documents/new-sale/", views.sale_create, name="sale_create"),
    path("clients/<int:pk>/documents/new-sale/quote/", views.sale_quote, name="sale_quote"),
    # Each document's own URL (its dialog over the client's Documents tab) and its actions
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("orders/<int:pk>/items/", views.order_item_add, name="order_item_add"),
    path(
        "orders/<int:pk>/items/<int:item_id>/remove/",
        views.order_item_remove,
        name="order_item_remove",
    ),
    path(
        "orders/<int:pk>/items/<int:item_id>/edit/", views.order_item_edit, name="order_item_edit"
    ),
    path("orders/<int:pk>/status/", views.order_status, name="order_status"),
    path("orders/<int:pk>/prepayment/", views.order_prepay, name="order_prepay"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("orders/<int:pk>/reopen/", views.order_reopen, name="order_reopen"),
    path("estimates/<int:pk>/", views.estimate_detail, name="estimate_detail"),
    path("estimates/<int:pk>/edit/", views.estimate_edit, name="estimate_edit"),
    path("estimates/<int:pk>/items/", views.estimate_item_add, name="estimate_item_add"),
    path(
        "estimates/<int:pk>/items/<int:item_id>/remove/",
        views.estimate_item_remove,
        name="estimate_item_remove",
    ),
    path(
        "estimates/<int:pk>/items/<int:item_id>/edit/",
        views.estimate_item_edit,
        name="estimate_item_edit",
    ),
    path("estimates/<int:pk>/status/", views.estimate_status, name="estimate_status"),
    path("estimates/<int:pk>/convert/", views.estimate_convert, name="estimate_convert"),
    path("sales/<int:pk>/", views.sale_detail, name="sale_detail"),
    path("sales/<int:pk>/return/", views.sale_return, name="sale_return"),
]
