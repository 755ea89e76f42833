"""One filter class for the client list page and the API."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Client, Tag
from .selectors import client_search


class ClientFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag", max_length=50)
    conflicted = django_filters.BooleanFilter(label=_("Conflicted"))
    supplier = django_filters.BooleanFilter(label=_("Supplier"))
    archived = django_filters.BooleanFilter(label=_("Archived"))

    class Meta:
        model = Client
        fields = ["search", "tag", "conflicted", "supplier", "archived"]

    def filter_search(self, queryset, name, value):
        return client_search(queryset, value)

    def filter_tag(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        tags = Tag.objects.filter(clients=OuterRef("pk"))
        tags = (
            tags.filter(pk=int(value)) if value.isdigit() else tags.filter(key=Tag.key_for(value))
        )
        return queryset.filter(Exists(tags))
