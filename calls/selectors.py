"""Reads about calls that the pages, the Calls section and the API share."""

from django.db.models import Q, QuerySet

from core.phones import phone_search_key

from .models import Call

MAX_QUERY = 100


def call_rows(employee) -> QuerySet[Call]:
    """The calls ``employee`` may see, with what a row shows, newest first."""
    return Call.objects.visible_to(employee).with_row().order_by("-started_at", "-id")


def call_search(queryset: QuerySet[Call], query: str) -> QuerySet[Call]:
    """Calls from or to a number: a whole number in any format matches exactly (through the
    number indexes); four or more digits match part of a number."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    e164, digits = phone_search_key(query)
    if e164:
        return queryset.filter(Q(from_number=e164) | Q(to_number=e164))
    if len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        return queryset.filter(Q(from_number__contains=digits) | Q(to_number__contains=digits))
    return queryset.none()
