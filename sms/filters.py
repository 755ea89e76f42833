"""One filter class for the SMS page, the client's SMS section and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import SmsMessage, SmsStatus
from .selectors import MAX_QUERY, sms_search


class SmsFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=MAX_QUERY
    )
    client = django_filters.NumberFilter(field_name="client", label=_("Client"))
    status = django_filters.ChoiceFilter(choices=SmsStatus.choices, label=_("Status"))
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = SmsMessage
        fields = ["search", "client", "status", "date_from", "date_to"]

    def filter_search(self, queryset, name, value):
        return sms_search(queryset, value)
