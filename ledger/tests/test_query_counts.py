"""The money pages read a fixed number of queries however long a client's history is."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, LedgerEntry, Payment

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 300
MAX_PAGE_QUERIES = 21  # a page: session, employee, client, a count per tab badge, one page of rows
MAX_SAVE_QUERIES = 33  # a save: locks and writes, then the tab, header and tab strip
HTMX = {"HTTP_HX_REQUEST": "true"}


def add_history(client, till, bank, actor, count: int, start: int) -> None:
    """``count`` advances, with refunds, corrections and a reversal mixed in.

    Every kind of row the tabs draw differently (a payment's link, a correction, a reversal
    and the entry it reversed) is on the first page in both rounds.
    """
    for i in range(start, start + count):
        box = till if i % 2 else bank
        services.advance_accept(
            actor=actor, client=client, cashbox=box, amount=Decimal("10"), note=f"advance {i}"
        )
        if i % 3 == 0:
            services.refund_pay(
                actor=actor, client=client, cashbox=box, amount=Decimal("4"), note=f"refund {i}"
            )
        if i % 4 == 0:
            services.balance_correct(
                actor=actor, client=client, amount=Decimal("1.50"), reason=f"fix {i}"
            )
    latest = services.balance_correct(actor=actor, client=client, amount=Decimal("2"), reason="x")
    services.entry_reverse(actor=actor, entry=latest, reason="typo")


def count_post(http, path, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.post(path, data, **HTMX)
    assert response.status_code == 200, (path, response.status_code)
    assert 'hx-swap-oob="true"' in response.content.decode(), path
    return len(captured.captured_queries)


def count_queries(http, path, expected_text, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    assert expected_text in response.content.decode(), path
    return len(captured.captured_queries)


@pytest.fixture
def counts(client, manager):
    """Query counts of each page and htmx action with SMALL and then LARGE histories."""
    carla = ClientFactory(first_name="Carla", last_name="Dias")
    ClientFactory(first_name="Otto")  # the list is per client, not everyone's
    till = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    bank = Cashbox.objects.create(title="Bank", kind=Cashbox.Kind.CASHLESS)
    client.force_login(manager)
    balance = f"/clients/{carla.pk}/balance/"
    payments = f"/clients/{carla.pk}/payments/"
    cashbox = f"/cashboxes/{till.pk}/"

    def measure(latest: int) -> dict[str, int]:
        """``latest`` is the newest advance's number; odd ones went into the till."""
        till_latest = latest if latest % 2 else latest - 1
        return {
            "balance tab": count_queries(client, balance, "Reversal of #"),
            "balance tab htmx": count_queries(client, balance, "Reversal of #", **HTMX),
            "payments tab": count_queries(client, payments, f"advance {latest}<"),
            "payments tab htmx": count_queries(client, payments, f"advance {latest}<", **HTMX),
            "cashbox movements": count_queries(client, cashbox, f"advance {till_latest}<"),
            "cashbox movements htmx": count_queries(
                client, cashbox, f"advance {till_latest}<", **HTMX
            ),
            "cashbox list": count_queries(client, "/cashboxes/", "Front till"),
            # Saving refreshes the tab, the header and the tab strip.
            "save correction": count_post(
                client, f"{balance}correction/", {"amount": "3", "reason": "r"}
            ),
            "save advance": count_post(
                client,
                f"{payments}advance/",
                {"advance-amount": "3", "advance-cashbox": str(bank.pk)},
            ),
        }

    add_history(carla, till, bank, manager, SMALL, start=0)
    small = measure(SMALL - 1)
    add_history(carla, till, bank, manager, LARGE - SMALL, start=SMALL)
    assert Payment.objects.filter(client=carla, category="advance").count() > LARGE
    assert LedgerEntry.objects.filter(client=carla).count() > LARGE
    large = measure(LARGE - 1)
    return small, large


def test_same_few_queries_with_5_and_300_entries(counts):
    small, large = counts
    assert small == large
    limit = {True: MAX_SAVE_QUERIES, False: MAX_PAGE_QUERIES}
    too_many = {name: n for name, n in large.items() if n > limit[name.startswith("save")]}
    assert too_many == {}
