"""Documents created at once from many threads, through the services (real threads, each on
its own database connection, released together by a barrier).

Numbers stay unique and gap-free (``A-000001`` … with no hole) even when some of the
creating transactions fail after taking their number, and the money they move adds up.

PostgreSQL serialises the creators with the sequence row's ``SELECT … FOR UPDATE``. SQLite
does it with ``BEGIN IMMEDIATE`` on a WAL file, as ``config.settings.base`` configures it;
the SQLite test database is in memory (shared cache), where a second writer fails at once
with "database table is locked" instead of queueing, so on SQLite each test runs on a file
copy of the test database (``file_database``) with the production connection options.
"""

import sqlite3
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections, transaction

from accounts.tests.factories import EmployeeFactory, restore_builtin_roles
from clients.models import Client
from clients.tests.factories import ClientFactory
from documents.models import DocumentSequence, Order, Sale
from documents.orders import OrderError, order_create
from documents.sales import sale_create
from documents.totals import LineKind
from ledger.models import Cashbox, Payment
from ledger.services import MoneyError
from ledger.tests.factories import CashboxFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 8
ROUNDS = 4
D = Decimal


class Abandoned(Exception):
    """Raised after a document was created, inside its transaction, to roll it back."""


@contextmanager
def file_database(tmp_path):
    """On SQLite, point this thread's and every new connection at a file copy of the test
    database for the duration; on PostgreSQL, do nothing.

    The in-memory database must outlive the test (the test run flushes it afterwards), so its
    connection is set aside, not closed: closing the last connection to it destroys it.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    memory, name = connection.connection, connection.settings_dict["NAME"]
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    # settings_dict is shared by every connection of the alias, the other threads' included.
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


@pytest.fixture
def shared_db(tmp_path):
    """A database every thread sees, with the rows the data migrations create (a transactional
    test empties every table when it ends, the migrations' rows included)."""
    with file_database(tmp_path):
        restore_builtin_roles()
        import_module("documents.migrations.0002_document_sequences").create_sequences(apps, None)
        import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
        yield


@pytest.fixture
def seller(shared_db):
    return EmployeeFactory(role_code="manager")


def race(workers) -> list:
    """Run each worker in its own thread and connection, all released at once; return each
    worker's result. Any exception a worker did not expect fails the test."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)
    errors: list[BaseException] = []

    def run(index, worker):
        try:
            barrier.wait(timeout=10)
            results[index] = worker()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    assert not errors, f"creating a document failed unexpectedly: {errors!r}"
    return results


def gap_free(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:06d}" for n in range(1, count + 1)]


def check_ledger_passes() -> None:
    err = StringIO()
    call_command("check_ledger", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def line(price: str = "10.00") -> dict:
    return {"kind": LineKind.TEXT, "title": "Labour", "price": D(price), "discount": D("0")}


def test_orders_created_at_once_get_unique_consecutive_numbers(seller):
    client = ClientFactory()

    def creator():
        numbers = []
        for _ in range(ROUNDS):
            order = order_create(actor=seller, client=client, items=[line()])
            numbers.append(order.number)
        return numbers

    results = race([creator] * THREADS)
    numbers = [number for numbers in results for number in numbers]
    assert sorted(numbers) == gap_free("A-", THREADS * ROUNDS), "numbers repeated or skipped"
    assert sorted(Order.objects.values_list("number", flat=True)) == sorted(numbers)
    # Each order kept its own line and total: nothing was written into a neighbour's order.
    assert set(Order.objects.values_list("total", flat=True)) == {D("10.00")}
    assert all(order.items.count() == 1 for order in Order.objects.all())
    assert DocumentSequence.objects.get(doc_type="order").last_value == THREADS * ROUNDS


def test_sales_paid_at_once_into_one_till_are_numbered_and_counted_once(seller):
    clients = [ClientFactory(), ClientFactory()]
    till = CashboxFactory()

    def seller_at(index):
        def sell():
            return [
                sale_create(
                    actor=seller,
                    client=clients[index % 2],
                    items=[line("25.00")],
                    settlement="cashbox",
                    cashbox=till,
                ).number
                for _ in range(ROUNDS)
            ]

        return sell

    results = race([seller_at(i) for i in range(THREADS)])
    numbers = [number for numbers in results for number in numbers]
    sold = THREADS * ROUNDS
    assert sorted(numbers) == gap_free("S-", sold)
    # Every payment reached the till once; paid now, so nobody owes anything.
    assert Cashbox.objects.get(pk=till.pk).balance == D("25.00") * sold
    assert Payment.objects.filter(cashbox=till).count() == sold
    assert set(
        Client.objects.filter(pk__in=[c.pk for c in clients]).values_list("balance", flat=True)
    ) == {D("0.00")}
    check_ledger_passes()


def test_failed_creations_give_their_numbers_back_and_leave_no_gap(seller):
    """Some creators fail after taking their number: an order with a bad line (refused after
    numbering), an order abandoned by its caller's transaction, a sale paid into a closed
    till (refused by the ledger after numbering). Committed numbers are still 1…N."""
    client = ClientFactory()
    till, closed_till = CashboxFactory(), CashboxFactory(active=False)
    bad_line = {**line(), "discount": D("101")}

    def abandoned_order():
        with transaction.atomic():
            order_create(actor=seller, client=client, items=[line()])
            time.sleep(0.002)  # hold the sequence while the others queue for it
            raise Abandoned

    attempts = {
        "order": lambda: order_create(actor=seller, client=client, items=[line()]),
        "bad order": lambda: order_create(actor=seller, client=client, items=[line(), bad_line]),
        "abandoned order": abandoned_order,
        "sale": lambda: sale_create(
            actor=seller, client=client, items=[line()], settlement="cashbox", cashbox=till
        ),
        "sale into a closed till": lambda: sale_create(
            actor=seller, client=client, items=[line()], settlement="cashbox", cashbox=closed_till
        ),
    }
    kinds = list(attempts)

    def creator(index):
        def run():
            outcome = []
            for round_ in range(ROUNDS + 1):
                kind = kinds[(index + round_) % len(kinds)]
                try:
                    attempts[kind]()
                except (OrderError, MoneyError, Abandoned):
                    outcome.append((kind, False))
                else:
                    outcome.append((kind, True))
            return outcome

        return run

    done = [step for steps in race([creator(i) for i in range(THREADS)]) for step in steps]
    assert {kind for kind, ok in done if ok} == {"order", "sale"}
    assert {kind for kind, ok in done if not ok} == set(kinds) - {"order", "sale"}
    orders = sum(1 for kind, _ in done if kind == "order")
    sales = sum(1 for kind, _ in done if kind == "sale")

    assert sorted(Order.objects.values_list("number", flat=True)) == gap_free("A-", orders)
    assert sorted(Sale.objects.values_list("number", flat=True)) == gap_free("S-", sales)
    assert DocumentSequence.objects.get(doc_type="order").last_value == orders
    assert DocumentSequence.objects.get(doc_type="sale").last_value == sales
    # The failed sales moved no money; the good ones paid for themselves.
    assert Cashbox.objects.get(pk=closed_till.pk).balance == D("0.00")
    assert Cashbox.objects.get(pk=till.pk).balance == D("10.00") * sales
    assert Client.objects.get(pk=client.pk).balance == D("0.00")
    check_ledger_passes()
    # The next document takes the next number.
    assert order_create(actor=seller, client=client).number == f"A-{orders + 1:06d}"
