"""One filter class for the calls page, the Calls section and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Call
from .selectors import MAX_QUERY, call_search


class CallFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Number"), method="filter_search", max_length=MAX_QUERY
    )
    client = django_filters.NumberFilter(field_name="client", label=_("Client"))
    direction = django_filters.ChoiceFilter(choices=Call.Direction.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=Call.Status.choices, label=_("Status"))

    class Meta:
        model = Call
        fields = ["search", "client", "direction", "status"]

    def filter_search(self, queryset, name, value):
        return call_search(queryset, value)
