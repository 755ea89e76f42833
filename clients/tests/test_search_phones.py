"""A foreign number typed as it is written at home (no "+") finds the client that has it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from clients.selectors import client_search
from core.phones import phone_search_numbers

from .factories import ClientFactory, ClientPhoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boston():
    client = ClientFactory(first_name="John", last_name="Smith")
    ClientPhoneFactory(client=client, number="+16175554574")
    return client


@pytest.fixture
def brasilia():
    client = ClientFactory(first_name="Ana", last_name="Souza")
    ClientPhoneFactory(client=client, number="+556132345678")
    return client


def found(query: str) -> list[str]:
    return [c.display_name for c in client_search(Client.objects.order_by("pk"), query)]


@pytest.mark.parametrize("typed", ["6175554574", "617 555 4574", "(617) 555-4574", "16175554574"])
def test_a_foreign_number_without_plus_is_found(boston, brasilia, typed):
    assert found(typed) == ["John Smith"]


def test_a_home_number_is_still_found_and_a_plus_means_exactly_that_number(boston, brasilia):
    assert found("(61) 3234-5678") == ["Ana Souza"]
    assert found("+55 61 7555-4574") == []
    assert found("+1 617 555 4574") == ["John Smith"]


def test_a_national_number_with_its_trunk_zero_is_found():
    client = ClientFactory(first_name="Mary", last_name="Jones")
    ClientPhoneFactory(client=client, number="+442079460018")
    assert found("020 7946 0018") == ["Mary Jones"]


def test_part_of_a_number_still_matches(boston):
    assert found("4574") == ["John Smith"]


def test_the_foreign_number_search_reads_the_phone_index_not_every_row(boston):
    """Exact numbers only: no LIKE over the numbers, and the database uses the index."""
    with CaptureQueriesContext(connection) as queries:
        assert found("6175554574") == ["John Smith"]
    sql = queries.captured_queries[-1]["sql"]
    assert " LIKE " not in sql.upper()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT client_id FROM clients_clientphone WHERE number IN "
                f"({', '.join(['%s'] * len(phone_search_numbers('6175554574')))})",
                phone_search_numbers("6175554574"),
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


def test_candidates_are_exact_numbers_and_none_for_a_plus_or_a_short_query():
    numbers = phone_search_numbers("6175554574")
    assert "+16175554574" in numbers and "+556175554574" in numbers
    assert all(n.startswith("+") and n[1:].isdigit() for n in numbers)
    assert phone_search_numbers("+1 617 555 4574") == []
    assert phone_search_numbers("4574") == []
