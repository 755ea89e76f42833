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
]
