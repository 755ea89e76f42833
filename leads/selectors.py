"""Reads about leads that pages, the tab and the API share."""

from django.db.models import Q, QuerySet

from clients.models import ClientPhone
from core.phones import phone_search_key
from core.text import fold

from .models import Lead, LeadStatusChange

MAX_QUERY = 100


def lead_rows(employee) -> QuerySet[Lead]:
    """The leads ``employee`` may see, with what a row shows, newest first."""
    return Lead.objects.visible_to(employee).with_row().order_by("-id")


def lead_search(queryset: QuerySet[Lead], query: str) -> QuerySet[Lead]:
    """Leads matching ``query`` by number, contact phone (any format; four or more digits
    match part of it), contact name or client name (accents and case ignored)."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    e164, digits = phone_search_key(query)
    if e164:
        phones = ClientPhone.objects.filter(number=e164).values("client_id")
        return queryset.filter(Q(contact_phone=e164) | Q(client__in=phones))
    condition = Q(number__iexact=query) | Q(number__endswith=query.upper())
    if len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        condition |= Q(contact_phone__contains=digits)
    words = fold(query).split()
    if words:
        by_contact, by_client = Q(), Q()
        for word in words:
            by_contact &= Q(search_name__contains=word)
            by_client &= Q(client__search_name__contains=word)
        condition |= by_contact | by_client
    return queryset.filter(condition)


def lead_history(lead: Lead) -> QuerySet[LeadStatusChange]:
    return lead.status_changes.select_related("from_status", "to_status", "employee").order_by("id")


def client_lead_count(client, employee) -> int:
    """The client's leads the employee may see, in one query."""
    return Lead.objects.visible_to(employee).filter(client=client).count()
