"""Reads about the catalog that pages and the API share."""

from django.db.models import Q, QuerySet

from core.text import fold

MAX_QUERY = 100


def catalog_search(queryset: QuerySet, query: str) -> QuerySet:
    """Items whose title (or a product's SKU) contains every word of ``query``, accents and
    case ignored: "tela ip11" finds "Tela iPhone 11 (IP11-TL)"."""
    condition = Q()
    for word in fold((query or "")[:MAX_QUERY]).split():
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)
