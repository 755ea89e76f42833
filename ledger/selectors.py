"""Reads about money that pages, the API and the export share."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import LedgerEntry, Payment


@dataclass(frozen=True)
class BalanceState:
    code: str  # "owes_us" | "settled" | "we_owe" (API values)
    label: Promise
    css: str


OWES_US = BalanceState("owes_us", _("The client owes us"), "receivable")
SETTLED = BalanceState("settled", _("You're settled"), "settled")
WE_OWE = BalanceState("we_owe", _("We owe the client"), "payable")


def balance_state(balance: Decimal) -> BalanceState:
    if balance > 0:
        return OWES_US
    if balance < 0:
        return WE_OWE
    return SETTLED


def client_entries(client) -> QuerySet[LedgerEntry]:
    """The client's ledger, newest first, with what each row shows."""
    reversals = LedgerEntry.objects.filter(reverses=OuterRef("pk"))
    return (
        LedgerEntry.objects.filter(client=client)
        .select_related("author")
        .annotate(is_reversed=Exists(reversals))
        .order_by("-id")
    )


def client_payments(client) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(client=client).select_related("cashbox", "employee").order_by("-id")
    )


# How to find a document (order, sale) by id: the documents app registers a function per
# type that returns a DocumentRef, or None when no such document exists.
_document_resolvers: dict = {}


def register_document_resolver(doc_type: str, resolve) -> None:
    _document_resolvers[doc_type] = resolve


def resolve_document(doc_type: str, doc_id: int):
    resolve = _document_resolvers.get(doc_type)
    return resolve(doc_id) if resolve else None


# How to link to a document (order, sale) from a ledger row: the documents app registers a
# URL name per type. The ledger itself knows no documents.
_document_urls: dict[str, str] = {}


def register_document_url(doc_type: str, url_name: str) -> None:
    _document_urls[doc_type] = url_name


def document_url(doc_type: str, doc_id: int | None) -> str | None:
    name = _document_urls.get(doc_type)
    if not name or doc_id is None:
        return None
    try:
        return reverse(name, args=[doc_id])
    except NoReverseMatch:
        return None


def entry_source(entry: LedgerEntry) -> dict:
    """What caused an entry, as the API and the export show it: {type, id, number}."""
    if entry.source_type:
        return {"type": entry.source_type, "id": entry.source_id, "number": entry.source_number}
    if entry.reverses_id:
        return {"type": "entry", "id": entry.reverses_id, "number": None}
    if entry.payment_id:
        return {"type": "payment", "id": entry.payment_id, "number": None}
    return {"type": "correction", "id": entry.pk, "number": None}
