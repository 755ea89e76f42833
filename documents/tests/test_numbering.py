"""Document numbers: per type, with a prefix, consecutive, and never lost to a rollback."""

import threading
import time
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

from documents.models import DocumentSequence
from documents.numbering import NumberingOutsideTransaction, next_number

pytestmark = pytest.mark.django_db


class Abandoned(Exception):
    """Raised inside a transaction to roll it back, as a failed document save would."""


def last_value(doc_type: str) -> int:
    return DocumentSequence.objects.get(doc_type=doc_type).last_value


def take(doc_type: str) -> str:
    with transaction.atomic():
        return next_number(doc_type)


def test_the_migration_seeds_one_sequence_per_type_with_its_prefix():
    rows = DocumentSequence.objects.order_by("doc_type").values_list(
        "doc_type", "prefix", "digits", "last_value"
    )
    assert list(rows) == [
        ("estimate", "E-", 6, 0),
        ("lead", "L-", 6, 0),
        ("order", "A-", 6, 0),
        ("sale", "S-", 6, 0),
    ]


def test_numbers_start_at_one_with_six_digits_and_the_types_prefix():
    assert take("order") == "A-000001"
    assert take("estimate") == "E-000001"
    assert take("sale") == "S-000001"


def test_numbers_follow_each_other_and_each_type_counts_alone():
    assert [take("order") for _ in range(3)] == ["A-000001", "A-000002", "A-000003"]
    assert take("sale") == "S-000001"
    assert take("order") == "A-000004"
    assert (last_value("order"), last_value("sale"), last_value("estimate")) == (4, 1, 0)


def test_several_numbers_in_one_transaction():
    with transaction.atomic():
        taken = [next_number("estimate") for _ in range(3)]
    assert taken == ["E-000001", "E-000002", "E-000003"]


def test_a_rolled_back_callers_number_goes_to_the_next_caller():
    assert take("order") == "A-000001"
    with pytest.raises(Abandoned), transaction.atomic():
        assert next_number("order") == "A-000002"
        raise Abandoned
    assert last_value("order") == 1
    assert take("order") == "A-000002"
    assert take("order") == "A-000003"


def test_a_rolled_back_inner_block_returns_its_number_too():
    with transaction.atomic():
        first = next_number("sale")
        with pytest.raises(Abandoned), transaction.atomic():
            next_number("sale")
            raise Abandoned
        second = next_number("sale")
    assert (first, second) == ("S-000001", "S-000002")


def test_the_prefix_and_padding_are_the_sequences_own():
    DocumentSequence.objects.filter(doc_type="order").update(prefix="OS-", digits=4)
    assert take("order") == "OS-0001"
    DocumentSequence.objects.filter(doc_type="order").update(prefix="")
    assert take("order") == "0002"


def test_numbers_grow_past_the_padding_instead_of_wrapping():
    DocumentSequence.objects.filter(doc_type="order").update(last_value=999_999)
    assert take("order") == "A-1000000"


def test_a_missing_sequence_is_recreated_with_the_default_prefix():
    DocumentSequence.objects.filter(doc_type="estimate").delete()
    assert take("estimate") == "E-000001"
    assert take("estimate") == "E-000002"
    assert DocumentSequence.objects.filter(doc_type="estimate").count() == 1


def test_an_unknown_document_type_is_a_programming_error():
    with pytest.raises(ValueError), transaction.atomic():
        next_number("invoice")
    assert not DocumentSequence.objects.filter(doc_type="invoice").exists()


def test_the_sequence_describes_itself_by_its_next_number():
    sequence = DocumentSequence.objects.get(doc_type="sale")
    assert str(sequence) == "Sale: S-000001"


@pytest.mark.django_db(transaction=True)
def test_a_number_taken_outside_a_transaction_is_refused():
    """Autocommit would take the number at once: a document that then failed to save would
    leave a gap. The caller must hold the transaction."""
    with pytest.raises(NumberingOutsideTransaction):
        next_number("order")
    assert take("order") == "A-000001"


# --- concurrent creators (PostgreSQL: real row locks, real threads) --------------------------

THREADS = 8
ROUNDS = 6


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
def test_numbers_taken_at_once_by_many_transactions_are_unique_and_gap_free():
    """Eight creators take numbers at once; every third transaction fails after taking its
    number. The committed numbers are exactly 1…N, each once."""
    # A transactional test empties every table when it ends, the migration's rows included.
    import_module("documents.migrations.0002_document_sequences").create_sequences(apps, None)
    barrier = threading.Barrier(THREADS)
    committed: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def creator(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            for round_ in range(ROUNDS):
                abandon = (index + round_) % 3 == 0
                try:
                    with transaction.atomic():
                        number = next_number("order")
                        time.sleep(0.002)  # hold the lock while the others queue for it
                        if abandon:
                            raise Abandoned
                except Abandoned:
                    with lock:
                        rolled_back.append(number)
                else:
                    with lock:
                        committed.append(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=creator, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a creator hung (deadlock?)"
    assert not errors, errors

    expected = [f"A-{n:06d}" for n in range(1, len(committed) + 1)]
    assert sorted(committed) == expected, "numbers repeated or skipped"
    assert rolled_back, "the race exercised no rollback"
    assert len(committed) + len(rolled_back) == THREADS * ROUNDS
    assert last_value("order") == len(committed)
    with transaction.atomic():
        assert next_number("order") == f"A-{len(committed) + 1:06d}"
