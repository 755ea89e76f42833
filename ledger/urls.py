from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("clients/<int:pk>/balance/correction/", views.correction_create, name="correction"),
    path(
        "clients/<int:pk>/balance/<int:entry_id>/reverse/",
        views.entry_reverse,
        name="reverse",
    ),
    path("clients/<int:pk>/payments/advance/", views.advance_create, name="advance"),
    path("clients/<int:pk>/payments/refund/", views.refund_create, name="refund"),
    path("cashboxes/", views.cashbox_list, name="cashbox_list"),
    path("cashboxes/new/", views.cashbox_edit, name="cashbox_create"),
    path("cashboxes/<int:pk>/", views.cashbox_detail, name="cashbox_detail"),
    path("cashboxes/<int:pk>/edit/", views.cashbox_edit, name="cashbox_edit"),
]
