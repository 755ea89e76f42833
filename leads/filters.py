"""One filter class for the leads page and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Lead, LeadStatus
from .selectors import MAX_QUERY, lead_search


class LeadFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=MAX_QUERY
    )
    client = django_filters.NumberFilter(field_name="client", label=_("Client"))
    status_group = django_filters.ChoiceFilter(
        field_name="status__group", choices=LeadStatus.Group.choices, label=_("Status group")
    )
    status = django_filters.NumberFilter(field_name="status", label=_("Status"))
    type = django_filters.NumberFilter(field_name="lead_type", label=_("Type"))
    manager = django_filters.NumberFilter(field_name="manager", label=_("Manager"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("Open leads whose deadline has passed."),
    )
    urgent = django_filters.BooleanFilter(label=_("Urgent"))

    class Meta:
        model = Lead
        fields = ["search", "client", "status_group", "status", "type", "manager", "urgent"]

    def filter_search(self, queryset, name, value):
        return lead_search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__group=LeadStatus.Group.OPEN, deadline__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
