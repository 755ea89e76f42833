"""Reads about clients that pages and the API share."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.phones import phone_search_key
from core.text import fold

from .models import Client, ClientPhone, Tag

MAX_QUERY = 100


def client_search(queryset: QuerySet[Client], query: str) -> QuerySet[Client]:
    """Clients matching ``query`` by name, phone (any format), email or tag.

    Every word of a name must appear (accents and case ignored). A query that reads as a
    phone number matches the stored E.164 form; four or more digits match part of a number.
    """
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    words = fold(query).split()
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    if "@" in query or "." in query:
        condition |= Q(email__contains=query.lower())
    e164, digits = phone_search_key(query)
    phones = ClientPhone.objects.filter(client=OuterRef("pk"))
    if e164:
        condition |= Q(Exists(phones.filter(number=e164)))
    elif len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        condition |= Q(Exists(phones.filter(number__contains=digits)))
    condition |= Q(Exists(Tag.objects.filter(clients=OuterRef("pk"), name__iexact=query)))
    return queryset.filter(condition)


@dataclass(frozen=True)
class Duplicate:
    client: Client
    field: str  # "phone" or "email"
    value: str


def find_duplicates(
    *, phones: list[str], email: str, exclude_id: int | None = None, limit: int = 10
) -> list[Duplicate]:
    """Other clients that already have one of these phones (E.164) or this email."""
    found: list[Duplicate] = []
    others = Client.objects.exclude(pk=exclude_id) if exclude_id else Client.objects.all()
    if phones:
        rows = (
            ClientPhone.objects.filter(number__in=phones, client__in=others)
            .select_related("client")
            .order_by("client_id")[:limit]
        )
        found += [Duplicate(row.client, "phone", row.formatted) for row in rows]
    email = (email or "").strip().lower()
    if email:
        found += [Duplicate(c, "email", email) for c in others.filter(email=email)[:limit]]
    return found
