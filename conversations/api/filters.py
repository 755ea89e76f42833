"""Filters of the conversations API: the list (by client, status, channel, assignee) and a
conversation's messages (by id, for paging through history and fetching what was missed)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Conversation, Message


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (``1.5`` is a 400, not a lookup)."""

    field_class = forms.IntegerField


class ConversationFilter(django_filters.FilterSet):
    client = IdFilter(field_name="client", label=_("Client"))
    status = django_filters.ChoiceFilter(choices=Conversation.Status.choices, label=_("Status"))
    channel = IdFilter(field_name="channel", label=_("Channel"))
    assignee = IdFilter(field_name="assignee", label=_("Assignee"))
    unassigned = django_filters.BooleanFilter(
        field_name="assignee", lookup_expr="isnull", label=_("Unassigned")
    )

    class Meta:
        model = Conversation
        fields = ["client", "status", "channel", "assignee", "unassigned"]


class MessageFilter(django_filters.FilterSet):
    before = IdFilter(
        field_name="id",
        lookup_expr="lt",
        label=_("Only messages older than the message with this id (paging upwards)."),
    )
    after = IdFilter(
        field_name="id",
        lookup_expr="gt",
        label=_("Only messages newer than the message with this id (what a client missed)."),
    )

    class Meta:
        model = Message
        fields = ["before", "after"]
