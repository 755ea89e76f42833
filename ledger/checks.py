"""Prove the stored balances equal what the immutable rows add up to.

The sums are computed by the database; the comparison is made in Python on values
quantized to the currency's places, because SQLite adds decimals as floating point.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum

from clients.models import Client
from core.money import quantize

from .models import Cashbox, LedgerEntry, Payment


@dataclass(frozen=True)
class Mismatch:
    what: str  # "client" or "cashbox"
    id: int
    name: str
    stored: Decimal
    computed: Decimal
    last_balance_after: Decimal | None = None


def _q(value) -> Decimal:
    return quantize(value if value is not None else 0)


def client_mismatches() -> list[Mismatch]:
    """Clients whose stored balance differs from the sum of their entries, or from the
    balance written on their newest entry."""
    entries = LedgerEntry.objects.filter(client=OuterRef("pk")).order_by()
    total = entries.values("client").annotate(s=Sum("amount")).values("s")
    last = entries.order_by("-id").values("balance_after")[:1]
    rows = Client.objects.annotate(computed=Subquery(total), last_after=Subquery(last))
    found = []
    for pk, name, stored, computed, last_after in rows.values_list(
        "pk", "display_name", "balance", "computed", "last_after"
    ).iterator(chunk_size=2000):
        stored, computed = _q(stored), _q(computed)
        newest = _q(last_after) if last_after is not None else Decimal("0.00")
        if stored != computed or stored != newest:
            found.append(Mismatch("client", pk, name, stored, computed, newest))
    return found


def cashbox_mismatches() -> list[Mismatch]:
    payments = Payment.objects.filter(cashbox=OuterRef("pk")).order_by().values("cashbox")
    income = payments.filter(direction="income").annotate(s=Sum("amount")).values("s")
    expense = payments.filter(direction="expense").annotate(s=Sum("amount")).values("s")
    rows = Cashbox.objects.annotate(income=Subquery(income), expense=Subquery(expense))
    found = []
    for pk, title, stored, inc, exp in rows.values_list(
        "pk", "title", "balance", "income", "expense"
    ):
        computed = _q(inc) - _q(exp)
        if _q(stored) != computed:
            found.append(Mismatch("cashbox", pk, title, _q(stored), computed))
    return found
