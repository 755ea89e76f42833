"""One filter class for the assets page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Asset, Warehouse, serial_key
from .selectors import asset_search


class AssetFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    serial = django_filters.CharFilter(
        label=_("Serial number / IMEI"), method="filter_serial", max_length=64
    )
    client = django_filters.NumberFilter(field_name="owner", label=_("Client"))
    owner = django_filters.ChoiceFilter(
        choices=[("company", _("The company")), ("clients", _("Clients"))],
        label=_("Owner"),
        method="filter_owner",
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=Warehouse.objects.all(), label=_("Warehouse")
    )
    status = django_filters.ChoiceFilter(choices=Asset.Status.choices, label=_("Status"))

    class Meta:
        model = Asset
        fields = ["search", "serial", "client", "owner", "warehouse", "status"]

    def filter_search(self, queryset, name, value):
        return asset_search(queryset, value)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner__isnull=value == "company")

    def filter_serial(self, queryset, name, value):
        """The asset with exactly this serial number (case and surrounding spaces ignored)."""
        key = serial_key(value)
        return queryset.filter(serial_key=key) if key else queryset
