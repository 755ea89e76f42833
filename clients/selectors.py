"""Reads about clients that pages and the API share."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.phones import phone_search_key, phone_search_numbers
from core.text import fold

from .models import Client, ClientPhone, Tag

MAX_QUERY = 100


def client_search(queryset: QuerySet[Client], query: str) -> QuerySet[Client]:
    """Clients matching ``query`` by name, phone (any format), email or tag.

    A query that reads as a whole phone number matches the stored E.164 form through its
    index — typed without "+", also a foreign number written as at home ("6175554574" finds
    +1 617 555 4574); four or more digits with no letters match part of a number. Otherwise
    every word must appear in the name (accents and case ignored), or the query names a tag,
    or is part of an email.
    """
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    e164, digits = phone_search_key(query)
    looks_like_phone = not any(ch.isalpha() or ch == "@" for ch in query)
    # A number typed without "+" may be a foreign one written as at home: the exact numbers it
    # may stand for are looked up through the number index (see phone_search_numbers).
    candidates = phone_search_numbers(query) if looks_like_phone else []
    if e164:
        numbers = candidates or [e164]
        phones = ClientPhone.objects.filter(number__in=numbers)
        return queryset.filter(pk__in=phones.values("client_id"))
    if len(digits) >= 4 and looks_like_phone:
        phones = ClientPhone.objects.filter(Q(number__in=candidates) | Q(number__contains=digits))
        return queryset.filter(pk__in=phones.values("client_id"))
    if "@" in query:
        return queryset.filter(email__contains=query.lower())
    condition = Q()
    for word in fold(query).split():
        condition &= Q(search_name__contains=word)
    if "." in query:
        condition |= Q(email__contains=query.lower())
    # Look the tag up first: an OR with a subquery would stop the database from using the
    # name index for the common case where the query names no tag.
    tag = Tag.objects.filter(key=Tag.key_for(query)).only("pk").first()
    if tag is not None:
        tagged = Client.tags.through.objects.filter(tag_id=tag.pk).values("client_id")
        condition |= Q(pk__in=tagged)
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
