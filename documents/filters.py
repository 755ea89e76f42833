"""One filter class per catalog list, for the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Product, Service
from .selectors import MAX_QUERY, catalog_search


class CatalogFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=MAX_QUERY
    )
    active = django_filters.BooleanFilter(label=_("Active"))

    def filter_search(self, queryset, name, value):
        return catalog_search(queryset, value)


class ServiceFilter(CatalogFilter):
    class Meta:
        model = Service
        fields = ["search", "active"]


class ProductFilter(CatalogFilter):
    class Meta:
        model = Product
        fields = ["search", "active"]
