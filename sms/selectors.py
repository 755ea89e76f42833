"""Reads about SMS that the tab section, the shop page and the API share."""

from django.db.models import Q, QuerySet

from core.phones import phone_search_key
from core.text import fold

from .models import SmsMessage, SmsTemplate

MAX_QUERY = 100


def sms_rows(employee) -> QuerySet[SmsMessage]:
    """The messages ``employee`` may see, with what a row shows, newest first."""
    return SmsMessage.objects.visible_to(employee).with_row().order_by("-created_at", "-id")


def sms_search(queryset: QuerySet[SmsMessage], query: str) -> QuerySet[SmsMessage]:
    """By number (any format; four or more digits match part of it) or client name."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    e164, digits = phone_search_key(query)
    if e164:
        return queryset.filter(phone=e164)
    condition = Q(pk__in=[])
    if len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        condition |= Q(phone__contains=digits)
    words = fold(query).split()
    if words and any(ch.isalpha() for ch in query):
        by_client = Q()
        for word in words:
            by_client &= Q(client__search_name__contains=word)
        condition |= by_client
    return queryset.filter(condition)


def active_templates() -> QuerySet[SmsTemplate]:
    return SmsTemplate.objects.filter(active=True).order_by("position", "name", "id")
