"""core/htmx.py: a message a view adds reaches the page on the htmx path too, once."""

import json
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from core.htmx import MESSAGES_EVENT
from ledger.models import Cashbox

HTMX = {"HTTP_HX_REQUEST": "true"}


def announced(response) -> list[dict]:
    trigger = json.loads(response.headers.get("HX-Trigger-After-Settle", "{}"))
    return trigger.get(MESSAGES_EVENT, {}).get("messages", [])


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def carla():
    Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    return ClientFactory(first_name="Carla", last_name="Dias")


def advance(client, carla, amount="150", **headers):
    till = Cashbox.objects.get()
    data = {"advance-amount": amount, "advance-cashbox": till.pk, "advance-note": ""}
    return client.post(f"/clients/{carla.pk}/payments/advance/", data, **headers)


def test_an_htmx_answer_hands_its_message_to_the_page(signed_in, carla):
    response = advance(signed_in, carla, **HTMX)
    assert response.status_code == 200
    assert announced(response) == [{"level": "success", "text": "Advance accepted."}]
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert trigger[MESSAGES_EVENT]["target"] == "body"  # the sending form is swapped away
    # Shown once: the next page load does not show it again.
    page = signed_in.get(f"/clients/{carla.pk}/payments/")
    assert "Advance accepted." not in page.content.decode()


def test_without_htmx_the_message_waits_for_the_page_after_the_redirect(signed_in, carla):
    response = advance(signed_in, carla)
    assert response.status_code == 302
    assert "HX-Trigger-After-Settle" not in response.headers
    page = signed_in.get(response.url)
    assert 'role="status"' in page.content.decode()
    assert "Advance accepted." in page.content.decode()


def test_messages_in_portuguese_travel_in_the_header(signed_in, carla):
    signed_in.cookies["django_language"] = "pt-br"
    response = advance(signed_in, carla, amount="150,50", **HTMX)
    assert announced(response) == [{"level": "success", "text": "Adiantamento recebido."}]
    assert carla.ledger_entries.get().amount == Decimal("-150.50")


def test_nothing_to_say_adds_no_header(signed_in, carla):
    response = signed_in.get(f"/clients/{carla.pk}/payments/", **HTMX)
    assert response.status_code == 200
    assert "HX-Trigger-After-Settle" not in response.headers
