"""The filters of the document lists (orders, estimates, sales)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import Estimate, Order, OrderStatus, Sale


class DocumentFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client", label=_("Client"))
    manager = django_filters.NumberFilter(field_name="manager", label=_("Manager"))


class OrderFilter(DocumentFilter):
    assignee = django_filters.NumberFilter(field_name="assignee", label=_("Assignee"))
    status = django_filters.NumberFilter(field_name="status", label=_("Status"))
    status_group = django_filters.ChoiceFilter(
        field_name="status__group", choices=OrderStatus.Group.choices, label=_("Status group")
    )

    class Meta:
        model = Order
        fields = ["client", "manager", "assignee", "status", "status_group"]


class EstimateFilter(DocumentFilter):
    status = django_filters.ChoiceFilter(choices=Estimate.Status.choices, label=_("Status"))

    class Meta:
        model = Estimate
        fields = ["client", "manager", "status"]


class SaleFilter(DocumentFilter):
    settlement = django_filters.ChoiceFilter(choices=Sale.Settlement.choices, label=_("Settlement"))

    class Meta:
        model = Sale
        fields = ["client", "manager", "settlement"]
