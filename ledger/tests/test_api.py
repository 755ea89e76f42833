"""The money API as API.md describes it: cashboxes, payments, balance, ledger, corrections,
reversals and ``Idempotency-Key``."""

from datetime import datetime
from decimal import Decimal

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from clients.models import Client
from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, IdempotencyKey, LedgerEntry, Payment

pytestmark = pytest.mark.django_db

CASHBOXES = "/api/v1/cashboxes/"
PAYMENTS = "/api/v1/payments/"
LEDGER_FIELDS = {
    "id",
    "created_at",
    "kind",
    "amount",
    "balance_after",
    "comment",
    "author",
    "source",
}


def cashbox_url(pk):
    return f"{CASHBOXES}{pk}/"


def client_url(pk):
    return f"/api/v1/clients/{pk}/"


def balance_url(pk):
    return f"/api/v1/clients/{pk}/balance/"


def ledger_url(pk):
    return f"/api/v1/clients/{pk}/ledger/"


def corrections_url(pk):
    return f"/api/v1/clients/{pk}/corrections/"


def reverse_url(pk, entry_id):
    return f"/api/v1/clients/{pk}/ledger/{entry_id}/reverse/"


def key(value):
    return {"HTTP_IDEMPOTENCY_KEY": value}


def money_state():
    """Everything a refused request must leave as it was."""
    return {
        "payments": Payment.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "keys": IdempotencyKey.objects.count(),
        "clients": sorted(Client.objects.values_list("id", "balance")),
        "cashboxes": sorted(Cashbox.objects.values_list("id", "balance", "title", "kind")),
    }


def messages(body) -> str:
    """All error text of a 400 body, flattened, for "says why" assertions."""
    if isinstance(body, dict):
        return " ".join(messages(v) for v in body.values())
    if isinstance(body, list):
        return " ".join(messages(v) for v in body)
    return str(body)


@pytest.fixture
def till(db):
    return Cashbox.objects.create(title="Till", kind=Cashbox.Kind.CASH)


@pytest.fixture
def bank(db):
    return Cashbox.objects.create(title="Bank", kind=Cashbox.Kind.CASHLESS)


@pytest.fixture
def ana(db):
    return ClientFactory(first_name="Ana", last_name="Souza")


@pytest.fixture
def bia(db):
    return ClientFactory(first_name="Bia", last_name="Lima")


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


def pay(api, kind, *, client=None, cashbox, amount, note="", headers=None, **extra):
    body = {"kind": kind, "cashbox": cashbox.pk, "amount": amount, "note": note, **extra}
    if client is not None:
        body["client"] = client.pk
    return api.post(PAYMENTS, body, format="json", **(headers or {}))


def advance(api, client, cashbox, amount, **kwargs):
    return pay(api, "advance", client=client, cashbox=cashbox, amount=amount, **kwargs)


def refund(api, client, cashbox, amount, **kwargs):
    return pay(api, "refund", client=client, cashbox=cashbox, amount=amount, **kwargs)


def balance_of(api, client):
    """The exact body of ``/clients/{id}/balance/``."""
    response = api.get(balance_url(client.pk))
    assert response.status_code == 200, response.content
    return response.json()


def balance(api, client) -> str:
    """The client's balance as the client resource shows it (a decimal string)."""
    response = api.get(client_url(client.pk))
    assert response.status_code == 200, response.content
    return response.json()["balance"]


def balance_and_state(api, client) -> tuple[str, str]:
    return balance(api, client), balance_of(api, client)["state"]


def role_employee(make_employee, name, permissions, **fields):
    role = Role.objects.create(name=name, permissions=permissions)
    employee = make_employee(**fields)
    employee.role = role
    employee.save(update_fields=["role"])
    return employee


# --- cashboxes ------------------------------------------------------------------------------


def test_manager_lists_cashboxes_with_balance_as_a_string(api, till, bank):
    response = api.get(CASHBOXES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["title"]: row for row in body["results"]}
    assert set(rows) == {"Till", "Bank"}
    assert rows["Till"]["kind"] == "cash"
    assert rows["Bank"]["kind"] == "cashless"
    for row in rows.values():
        assert {"id", "title", "kind", "virtual", "active", "balance"} <= set(row)
        assert row["balance"] == "0.00"


def test_cashbox_balance_follows_its_payments(api, ana, till):
    assert advance(api, ana, till, "50.00").status_code == 201
    assert api.get(cashbox_url(till.pk)).json()["balance"] == "50.00"
    rows = api.get(CASHBOXES).json()["results"]
    assert [row["balance"] for row in rows if row["id"] == till.pk] == ["50.00"]


def test_manager_cannot_create_a_cashbox(api):
    response = api.post(CASHBOXES, {"title": "Drawer", "kind": "cash"}, format="json")
    assert response.status_code == 403
    assert not Cashbox.objects.exists()


def test_manager_cannot_edit_a_cashbox(api, till):
    response = api.patch(cashbox_url(till.pk), {"title": "Renamed"}, format="json")
    assert response.status_code == 403
    till.refresh_from_db()
    assert till.title == "Till"


def test_specialist_cannot_list_cashboxes(api_as, specialist, till):
    response = api_as(specialist).get(CASHBOXES)
    assert response.status_code == 403
    assert "Till" not in response.content.decode()


def test_admin_creates_a_cashbox(api_as, admin):
    response = api_as(admin).post(
        CASHBOXES, {"title": "Card terminal", "kind": "cashless", "virtual": True}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Card terminal"
    assert body["kind"] == "cashless"
    assert body["virtual"] is True
    assert body["active"] is True
    assert body["balance"] == "0.00"
    saved = Cashbox.objects.get(pk=body["id"])
    assert (saved.title, saved.kind, saved.virtual) == ("Card terminal", "cashless", True)


def test_balance_sent_on_create_is_ignored(api_as, admin):
    response = api_as(admin).post(
        CASHBOXES, {"title": "Drawer", "kind": "cash", "balance": "1000.00"}, format="json"
    )
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        assert response.json()["balance"] == "0.00"
        assert Cashbox.objects.get().balance == 0
    else:
        assert not Cashbox.objects.exists()


def test_balance_cannot_be_patched(api_as, admin, ana, till):
    services.advance_accept(actor=admin, client=ana, cashbox=till, amount="30")
    response = api_as(admin).patch(cashbox_url(till.pk), {"balance": "9999.00"}, format="json")
    assert response.status_code in (200, 400)
    till.refresh_from_db()
    assert till.balance == Decimal("30.00")
    assert api_as(admin).get(cashbox_url(till.pk)).json()["balance"] == "30.00"


def test_admin_patches_title_and_deactivates(api_as, admin, till):
    response = api_as(admin).patch(
        cashbox_url(till.pk), {"title": "Old till", "active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Old till"
    assert response.json()["active"] is False
    till.refresh_from_db()
    assert (till.title, till.active, till.kind) == ("Old till", False, "cash")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "kind": "cash"}, "title"),
        ({"title": "   ", "kind": "cash"}, "title"),
        ({"kind": "cash"}, "title"),
        ({"title": "X" * 101, "kind": "cash"}, "title"),
        ({"title": "Drawer", "kind": "crypto"}, "kind"),
        ({"title": "Drawer", "kind": "cash", "colour": "red"}, "colour"),
        ({"title": "Drawer", "kind": "cash", "active": "maybe"}, "active"),
    ],
)
def test_bad_cashbox_create_is_400_and_saves_nothing(api_as, admin, body, field):
    response = api_as(admin).post(CASHBOXES, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Cashbox.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "crypto"}, "kind"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_cashbox_patch_is_400_and_changes_nothing(api_as, admin, till, body, field):
    response = api_as(admin).patch(cashbox_url(till.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    till.refresh_from_db()
    assert (till.title, till.kind) == ("Till", "cash")


def test_cashless_below_zero_cannot_become_cash(api_as, admin, bank):
    services.cash_move(
        actor=admin, cashbox=bank, direction="expense", amount="20", category="other_expense"
    )
    response = api_as(admin).patch(cashbox_url(bank.pk), {"kind": "cash"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()
    bank.refresh_from_db()
    assert bank.kind == "cashless"


# --- payments: the happy paths ----------------------------------------------------------------


def test_advance_moves_the_balance_toward_we_owe(api, manager, ana, till):
    response = advance(api, ana, till, "50.00", note="Deposit for the screen")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "advance"
    assert body["direction"] == "income"
    assert body["amount"] == "50.00"
    assert body["client"] == ana.pk
    assert body["cashbox"] == till.pk
    assert body["note"] == "Deposit for the screen"
    assert body["employee"] == manager.pk
    assert body["cashbox_balance_after"] == "50.00"

    assert balance_and_state(api, ana) == ("-50.00", "we_owe")
    assert api.get(client_url(ana.pk)).json()["balance"] == "-50.00"
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.payment_id) == ("advance", Decimal("-50"), body["id"])
    till.refresh_from_db()
    assert till.balance == Decimal("50.00")


def test_refund_of_what_we_owe_settles_the_client(api, ana, till):
    advance(api, ana, till, "50.00")
    response = refund(api, ana, till, "50.00", note="Cancelled")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["direction"], body["amount"]) == ("refund", "expense", "50.00")
    assert body["cashbox_balance_after"] == "0.00"
    assert balance_and_state(api, ana) == ("0.00", "settled")
    assert api.get(client_url(ana.pk)).json()["balance"] == "0.00"


def test_partial_refund(api, ana, till):
    advance(api, ana, till, "100.00")
    assert refund(api, ana, till, "30.50").status_code == 201
    assert balance_and_state(api, ana) == ("-69.50", "we_owe")
    till.refresh_from_db()
    assert till.balance == Decimal("69.50")


def test_new_client_balance_is_settled(api, ana):
    assert balance_and_state(api, ana) == ("0.00", "settled")
    assert api.get(client_url(ana.pk)).json()["balance"] == "0.00"


def test_positive_balance_is_owes_us(api, ana):
    response = api.post(corrections_url(ana.pk), {"amount": "25.00", "reason": "Old debt"})
    assert response.status_code == 201, response.content
    assert balance_and_state(api, ana) == ("25.00", "owes_us")
    assert api.get(client_url(ana.pk)).json()["balance"] == "25.00"


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([("advance", "50.00")], {"balance": "-50.00", "state": "we_owe"}),
        ([("advance", "50.00"), ("refund", "50.00")], {"balance": "0.00", "state": "settled"}),
        ([], {"balance": "0.00", "state": "settled"}),
        ([("correction", "25.50")], {"balance": "25.50", "state": "owes_us"}),
        ([("correction", "0.10"), ("correction", "0.20")], {"balance": "0.30", "state": "owes_us"}),
    ],
)
def test_balance_endpoint_answers_a_decimal_string_and_a_state(api, ana, till, moves, expected):
    """API.md: ``{"balance": "-50.00", "state": "we_owe"}``, money as decimal strings."""
    for kind, amount in moves:
        if kind == "correction":
            response = api.post(corrections_url(ana.pk), {"amount": amount, "reason": "x"})
        else:
            response = pay(api, kind, client=ana, cashbox=till, amount=amount)
        assert response.status_code == 201, response.content
    assert balance_of(api, ana) == expected
    assert balance(api, ana) == expected["balance"]


def test_other_income_and_expense_move_a_cashbox_without_a_client(api, till):
    response = pay(api, "other_income", cashbox=till, amount="80.00", note="Scrap metal")
    assert response.status_code == 201, response.content
    assert response.json()["client"] is None
    assert response.json()["direction"] == "income"
    response = pay(api, "other_expense", cashbox=till, amount="30.00", note="Coffee")
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "expense"
    assert response.json()["cashbox_balance_after"] == "50.00"
    assert not LedgerEntry.objects.exists()
    till.refresh_from_db()
    assert till.balance == Decimal("50.00")


def test_other_expense_may_take_a_cashless_cashbox_below_zero(api, bank):
    response = pay(api, "other_expense", cashbox=bank, amount="30.00")
    assert response.status_code == 201, response.content
    assert response.json()["cashbox_balance_after"] == "-30.00"


def test_other_expense_from_a_cash_cashbox_holding_less_is_400(api, till):
    pay(api, "other_income", cashbox=till, amount="10.00")
    before = money_state()
    response = pay(api, "other_expense", cashbox=till, amount="10.01")
    assert response.status_code == 400
    assert "cashbox" in response.json()
    assert money_state() == before


def test_payments_are_listed_newest_first_with_decimal_strings(api, ana, till):
    first = advance(api, ana, till, "10.00").json()
    second = refund(api, ana, till, "4.50").json()
    response = api.get(PAYMENTS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second["id"], first["id"]]
    assert [row["amount"] for row in body["results"]] == ["4.50", "10.00"]
    assert body["results"][0]["cashbox_balance_after"] == "5.50"


def test_payments_filter_by_client_cashbox_and_kind(api, ana, bia, till, bank):
    a1 = advance(api, ana, till, "10.00").json()["id"]
    a2 = advance(api, ana, bank, "20.00").json()["id"]
    b1 = advance(api, bia, till, "30.00").json()["id"]
    r1 = refund(api, ana, till, "5.00").json()["id"]
    o1 = pay(api, "other_income", cashbox=bank, amount="7.00").json()["id"]

    def ids(**params):
        response = api.get(PAYMENTS, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {a1, a2, b1, r1, o1}
    assert ids(client=ana.pk) == {a1, a2, r1}
    assert ids(client=bia.pk) == {b1}
    assert ids(cashbox=till.pk) == {a1, b1, r1}
    assert ids(cashbox=bank.pk) == {a2, o1}
    assert ids(kind="advance") == {a1, a2, b1}
    assert ids(kind="refund") == {r1}
    assert ids(kind="other_income") == {o1}
    assert ids(client=ana.pk, cashbox=till.pk, kind="advance") == {a1}


def test_payment_client_filter_with_an_unknown_client_does_not_list_everything(api, ana, till):
    advance(api, ana, till, "10.00")
    response = api.get(PAYMENTS, {"client": 999_999})
    assert response.status_code == 400 or response.json()["count"] == 0


# --- payments: refusals -----------------------------------------------------------------------


def test_refund_larger_than_owed_is_400_with_a_clear_message(api, ana, till):
    advance(api, ana, till, "50.00")
    before = money_state()
    response = refund(api, ana, till, "50.01")
    assert response.status_code == 400
    text = messages(response.json())
    assert "exceeds what we owe" in text
    assert "50.00" in text
    assert money_state() == before
    assert balance_and_state(api, ana) == ("-50.00", "we_owe")


def test_refund_when_we_owe_nothing_is_400(api, ana, till):
    pay(api, "other_income", cashbox=till, amount="100.00")
    before = money_state()
    response = refund(api, ana, till, "10.00")
    assert response.status_code == 400
    assert "nothing to refund" in messages(response.json())
    assert money_state() == before


def test_refund_when_the_client_owes_us_is_400(api, ana, till):
    pay(api, "other_income", cashbox=till, amount="100.00")
    api.post(corrections_url(ana.pk), {"amount": "40.00", "reason": "Debt"})
    before = money_state()
    response = refund(api, ana, till, "10.00")
    assert response.status_code == 400
    assert money_state() == before


def test_refund_from_a_cash_cashbox_holding_less_is_400(api, ana, till, bank):
    advance(api, ana, bank, "100.00")
    pay(api, "other_income", cashbox=till, amount="20.00")
    before = money_state()
    response = refund(api, ana, till, "50.00")
    assert response.status_code == 400
    text = messages(response.json())
    assert "Till" in text
    assert "20.00" in text
    assert money_state() == before


def test_refund_from_a_cashless_cashbox_may_take_it_below_zero(api, ana, till, bank):
    advance(api, ana, till, "100.00")
    response = refund(api, ana, bank, "60.00")
    assert response.status_code == 201, response.content
    assert response.json()["cashbox_balance_after"] == "-60.00"
    assert balance(api, ana) == "-40.00"


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("0", "amount"),
        ("0.00", "amount"),
        ("-5", "amount"),
        ("1.005", "amount"),
        ("abc", "amount"),
        ("", "amount"),
        (None, "amount"),
        (1e20, "amount"),
        ("1000000000.00", "amount"),
        ("NaN", "amount"),
        ("Infinity", "amount"),
    ],
)
@pytest.mark.parametrize("kind", ["advance", "refund"])
def test_bad_amount_is_400_and_writes_nothing(api, ana, till, bank, kind, amount, field):
    advance(api, ana, bank, "100.00")
    pay(api, "other_income", cashbox=till, amount="100.00")
    before = money_state()
    response = pay(api, kind, client=ana, cashbox=till, amount=amount)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert money_state() == before


@pytest.mark.parametrize("amount", ["0", "-5", "1.005", "abc", 1e20])
def test_bad_amount_for_other_income_is_400(api, till, amount):
    before = money_state()
    response = pay(api, "other_income", cashbox=till, amount=amount)
    assert response.status_code == 400
    assert "amount" in response.json()
    assert money_state() == before


def test_missing_amount_is_400(api, ana, till):
    before = money_state()
    response = api.post(
        PAYMENTS, {"kind": "advance", "client": ana.pk, "cashbox": till.pk}, format="json"
    )
    assert response.status_code == 400
    assert "amount" in response.json()
    assert money_state() == before


@pytest.mark.parametrize("kind", ["advance", "refund"])
def test_missing_client_is_400(api, ana, till, kind):
    advance(api, ana, till, "100.00")
    before = money_state()
    response = pay(api, kind, cashbox=till, amount="10.00")
    assert response.status_code == 400
    assert "client" in response.json()
    assert money_state() == before


def test_missing_cashbox_is_400(api, ana):
    before = money_state()
    response = api.post(
        PAYMENTS, {"kind": "advance", "client": ana.pk, "amount": "10.00"}, format="json"
    )
    assert response.status_code == 400
    assert "cashbox" in response.json()
    assert money_state() == before


@pytest.mark.parametrize("cashbox_id", [999_999, "abc", None])
def test_unknown_cashbox_is_400(api, ana, cashbox_id):
    before = money_state()
    body = {"kind": "advance", "client": ana.pk, "cashbox": cashbox_id, "amount": "10.00"}
    response = api.post(PAYMENTS, body, format="json")
    assert response.status_code == 400
    assert "cashbox" in response.json()
    assert money_state() == before


@pytest.mark.parametrize("client_id", [999_999, "abc"])
def test_unknown_client_is_400(api, till, client_id):
    before = money_state()
    body = {"kind": "advance", "client": client_id, "cashbox": till.pk, "amount": "10.00"}
    response = api.post(PAYMENTS, body, format="json")
    assert response.status_code == 400
    assert "client" in response.json()
    assert money_state() == before


def test_client_the_employee_cannot_see_is_400(api_as, make_employee, ana, till):
    cashier = role_employee(
        make_employee, "Cashier", ["ledger.view_balance", "ledger.accept_advance"]
    )
    before = money_state()
    response = advance(api_as(cashier), ana, till, "10.00")
    assert response.status_code == 400
    assert "client" in response.json()
    assert money_state() == before


def test_inactive_cashbox_is_400(api, ana, till):
    Cashbox.objects.filter(pk=till.pk).update(active=False)
    before = money_state()
    response = advance(api, ana, till, "10.00")
    assert response.status_code == 400
    assert "cashbox" in response.json()
    assert "inactive" in messages(response.json())
    assert money_state() == before


@pytest.mark.parametrize("kind", ["other_income", "other_expense"])
def test_client_with_other_income_or_expense_is_400(api, ana, till, kind):
    pay(api, "other_income", cashbox=till, amount="100.00")
    before = money_state()
    response = pay(api, kind, client=ana, cashbox=till, amount="10.00")
    assert response.status_code == 400
    assert "client" in response.json()
    assert money_state() == before


@pytest.mark.parametrize("kind", ["reversal", "order_payment", "", None, "ADVANCE"])
def test_unknown_payment_kind_is_400(api, ana, till, kind):
    before = money_state()
    response = pay(api, kind, client=ana, cashbox=till, amount="10.00")
    assert response.status_code == 400
    assert "kind" in response.json()
    assert money_state() == before


def test_unknown_field_is_400(api, ana, till):
    before = money_state()
    response = advance(api, ana, till, "10.00", direction="expense")
    assert response.status_code == 400
    assert "direction" in response.json()
    assert money_state() == before


def test_note_longer_than_500_is_400(api, ana, till):
    before = money_state()
    response = advance(api, ana, till, "10.00", note="x" * 501)
    assert response.status_code == 400
    assert "note" in response.json()
    assert money_state() == before


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["advance", "refund"])
def test_specialist_cannot_take_or_pay_money(api_as, specialist, manager, ana, till, kind):
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="100")
    before = money_state()
    response = pay(api_as(specialist), kind, client=ana, cashbox=till, amount="10.00")
    assert response.status_code == 403
    assert money_state() == before


def test_specialist_cannot_correct_a_balance(api_as, specialist, ana):
    before = money_state()
    response = api_as(specialist).post(
        corrections_url(ana.pk), {"amount": "-10.00", "reason": "Goodwill"}, format="json"
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()
    assert money_state() == before


def test_specialist_cannot_reverse_an_entry(api_as, specialist, manager, ana, till):
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="100")
    entry = LedgerEntry.objects.get()
    before = money_state()
    response = api_as(specialist).post(
        reverse_url(ana.pk, entry.pk), {"reason": "Oops"}, format="json"
    )
    assert response.status_code == 403
    assert money_state() == before


@pytest.mark.parametrize("path", ["balance", "ledger", "payments", "client_payments"])
def test_specialist_cannot_read_balances(api_as, specialist, manager, ana, till, path):
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="100")
    url = {
        "balance": balance_url(ana.pk),
        "ledger": ledger_url(ana.pk),
        "payments": PAYMENTS,
        "client_payments": f"{PAYMENTS}?client={ana.pk}",
    }[path]
    response = api_as(specialist).get(url)
    assert response.status_code == 403
    assert "100" not in response.content.decode()


def test_role_with_view_balance_but_not_advance_cannot_take_an_advance(
    api_as, make_employee, ana, till
):
    viewer = role_employee(make_employee, "Viewer", ["clients.view", "ledger.view_balance"])
    api = api_as(viewer)
    assert api.get(balance_url(ana.pk)).status_code == 200
    before = money_state()
    assert advance(api, ana, till, "10.00").status_code == 403
    assert pay(api, "other_income", cashbox=till, amount="10.00").status_code == 403
    assert money_state() == before


def test_role_with_advance_but_not_refund_cannot_refund(api_as, make_employee, ana, till):
    cashier = role_employee(
        make_employee,
        "Cashier",
        ["clients.view", "ledger.view_balance", "ledger.accept_advance"],
    )
    api = api_as(cashier)
    assert advance(api, ana, till, "50.00").status_code == 201
    before = money_state()
    assert refund(api, ana, till, "10.00").status_code == 403
    assert pay(api, "other_expense", cashbox=till, amount="10.00").status_code == 403
    assert money_state() == before


def test_role_without_clients_view_sees_only_payments_without_a_client(
    api_as, make_employee, manager, ana, till
):
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="50")
    other = services.cash_move(
        actor=manager, cashbox=till, direction="income", amount="5", category="other_income"
    )
    cashier = role_employee(make_employee, "Till only", ["ledger.view_balance"])
    response = api_as(cashier).get(PAYMENTS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [other.pk]


def test_unknown_client_balance_and_ledger_are_404(api):
    assert api.get(balance_url(999_999)).status_code == 404
    assert api.get(ledger_url(999_999)).status_code == 404
    response = api.post(corrections_url(999_999), {"amount": "1.00", "reason": "x"})
    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()


def test_unauthenticated_requests_are_401_and_move_nothing(api_client, manager, ana, till):
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="50")
    entry = LedgerEntry.objects.get()
    before = money_state()
    gets = [CASHBOXES, PAYMENTS, balance_url(ana.pk), ledger_url(ana.pk)]
    for url in gets:
        assert api_client.get(url).status_code == 401, url
    posts = [
        (CASHBOXES, {"title": "Drawer", "kind": "cash"}),
        (PAYMENTS, {"kind": "refund", "client": ana.pk, "cashbox": till.pk, "amount": "5"}),
        (corrections_url(ana.pk), {"amount": "5", "reason": "x"}),
        (reverse_url(ana.pk, entry.pk), {"reason": "x"}),
    ]
    for url, body in posts:
        assert api_client.post(url, body, format="json").status_code == 401, url
    assert api_client.patch(cashbox_url(till.pk), {"title": "X"}).status_code == 401
    assert money_state() == before


def test_bad_token_is_401(api_client, ana):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get(balance_url(ana.pk)).status_code == 401


# --- Idempotency-Key --------------------------------------------------------------------------


def test_same_key_twice_replays_the_first_answer_and_moves_money_once(api, ana, till):
    first = advance(api, ana, till, "50.00", headers=key("adv-1"))
    assert first.status_code == 201
    assert first.headers.get("Idempotent-Replayed") != "true"
    second = advance(api, ana, till, "50.00", headers=key("adv-1"))
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    assert balance(api, ana) == "-50.00"
    till.refresh_from_db()
    assert till.balance == Decimal("50.00")


def test_different_keys_move_money_twice(api, ana, till):
    advance(api, ana, till, "50.00", headers=key("adv-1"))
    advance(api, ana, till, "50.00", headers=key("adv-2"))
    assert Payment.objects.count() == 2
    assert balance(api, ana) == "-100.00"


def test_same_key_with_a_different_body_is_422_and_moves_nothing(api, ana, till):
    advance(api, ana, till, "50.00", headers=key("adv-1"))
    before = money_state()
    response = advance(api, ana, till, "60.00", headers=key("adv-1"))
    assert response.status_code == 422
    assert "detail" in response.json()
    assert money_state() == before


def test_same_key_on_another_endpoint_is_422(api, ana, till):
    advance(api, ana, till, "50.00", headers=key("shared"))
    before = money_state()
    response = api.post(
        corrections_url(ana.pk), {"amount": "5.00", "reason": "x"}, format="json", **key("shared")
    )
    assert response.status_code == 422
    assert money_state() == before


def test_refused_request_does_not_burn_the_key(api, ana, till):
    pay(api, "other_income", cashbox=till, amount="100.00")
    refused = refund(api, ana, till, "30.00", headers=key("refund-1"))
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    advance(api, ana, till, "30.00")  # now we owe the client 30
    retried = refund(api, ana, till, "30.00", headers=key("refund-1"))
    assert retried.status_code == 201, retried.content
    assert retried.headers.get("Idempotent-Replayed") != "true"
    assert balance_and_state(api, ana) == ("0.00", "settled")
    again = refund(api, ana, till, "30.00", headers=key("refund-1"))
    assert again.status_code == 201
    assert again.json() == retried.json()
    assert Payment.objects.filter(category="refund").count() == 1


def test_invalid_body_does_not_burn_the_key(api, ana, till):
    assert advance(api, ana, till, "abc", headers=key("k")).status_code == 400
    response = advance(api, ana, till, "10.00", headers=key("k"))
    assert response.status_code == 201
    assert Payment.objects.count() == 1


def test_keys_are_per_employee(api_as, manager, make_employee, ana, till):
    other = make_employee("manager", login="mgr2")
    first = advance(api_as(manager), ana, till, "10.00", headers=key("same"))
    second = advance(api_as(other), ana, till, "10.00", headers=key("same"))
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") != "true"
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["employee"] == other.pk
    assert Payment.objects.count() == 2
    assert balance(api_as(manager), ana) == "-20.00"


def test_key_longer_than_255_is_400_and_moves_nothing(api, ana, till):
    before = money_state()
    response = advance(api, ana, till, "10.00", headers=key("k" * 256))
    assert response.status_code == 400
    assert "255" in messages(response.json())
    assert money_state() == before
    assert advance(api, ana, till, "10.00", headers=key("k" * 255)).status_code == 201


def test_correction_with_the_same_key_is_written_once(api, ana):
    body = {"amount": "-10.00", "reason": "Goodwill"}
    first = api.post(corrections_url(ana.pk), body, format="json", **key("c-1"))
    second = api.post(corrections_url(ana.pk), body, format="json", **key("c-1"))
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert LedgerEntry.objects.count() == 1
    assert balance(api, ana) == "-10.00"
    changed = api.post(
        corrections_url(ana.pk), {"amount": "-11.00", "reason": "Goodwill"}, **key("c-1")
    )
    assert changed.status_code == 422
    assert LedgerEntry.objects.count() == 1


def test_correction_key_longer_than_255_is_400(api, ana):
    response = api.post(
        corrections_url(ana.pk), {"amount": "1.00", "reason": "x"}, format="json", **key("k" * 300)
    )
    assert response.status_code == 400
    assert not LedgerEntry.objects.exists()


def test_reversal_with_the_same_key_is_written_once(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    url = reverse_url(ana.pk, entry.pk)
    first = api.post(url, {"reason": "Wrong client"}, format="json", **key("r-1"))
    second = api.post(url, {"reason": "Wrong client"}, format="json", **key("r-1"))
    assert first.status_code == second.status_code == 201, first.content
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert LedgerEntry.objects.count() == 2
    assert Payment.objects.count() == 2
    till.refresh_from_db()
    assert till.balance == 0
    changed = api.post(url, {"reason": "Other reason"}, format="json", **key("r-1"))
    assert changed.status_code == 422
    assert LedgerEntry.objects.count() == 2


def test_refused_reversal_does_not_burn_the_key(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    pay(api, "other_expense", cashbox=till, amount="40.00")  # the till is empty again
    url = reverse_url(ana.pk, entry.pk)
    refused = api.post(url, {"reason": "Wrong client"}, format="json", **key("r-1"))
    assert refused.status_code == 400
    pay(api, "other_income", cashbox=till, amount="40.00")
    retried = api.post(url, {"reason": "Wrong client"}, format="json", **key("r-1"))
    assert retried.status_code == 201, retried.content
    assert balance_and_state(api, ana) == ("0.00", "settled")


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_lists_entries_newest_first_with_their_fields(api, manager, ana, till):
    adv = advance(api, ana, till, "50.00", note="Deposit").json()
    api.post(corrections_url(ana.pk), {"amount": "5.00", "reason": "Fee"}, format="json")
    refund(api, ana, till, "20.00", note="Part back")
    response = api.get(ledger_url(ana.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is None
    rows = body["results"]
    assert set(rows[0]) >= LEDGER_FIELDS
    assert [row["kind"] for row in rows] == ["refund", "correction", "advance"]
    assert [row["amount"] for row in rows] == ["20.00", "5.00", "-50.00"]
    assert [row["balance_after"] for row in rows] == ["-25.00", "-45.00", "-50.00"]
    assert [row["comment"] for row in rows] == ["Part back", "Fee", "Deposit"]
    assert {row["author"] for row in rows} == {manager.pk}
    assert rows[-1]["source"] == {"type": "payment", "id": adv["id"], "number": None}
    assert rows[1]["source"]["type"] == "correction"
    assert all(datetime.fromisoformat(row["created_at"]).utcoffset() is not None for row in rows)
    assert rows[0]["balance_after"] == balance(api, ana)


def test_ledger_shows_only_that_clients_entries(api, ana, bia, till):
    advance(api, ana, till, "10.00")
    advance(api, bia, till, "20.00")
    rows = api.get(ledger_url(ana.pk)).json()["results"]
    assert [row["amount"] for row in rows] == ["-10.00"]


def test_empty_ledger(api, ana):
    body = api.get(ledger_url(ana.pk)).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_ledger_is_paginated_and_page_size_is_capped_at_200(api, manager, ana):
    add_entries(ana, 250, manager)
    body = api.get(ledger_url(ana.pk)).json()
    assert body["count"] == 250
    assert len(body["results"]) == 50
    assert body["next"]
    big = api.get(ledger_url(ana.pk), {"page_size": 500}).json()
    assert len(big["results"]) == 200
    second = api.get(ledger_url(ana.pk), {"page_size": 200, "page": 2}).json()
    assert len(second["results"]) == 50
    ids = [row["id"] for row in big["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 250


def test_ledger_reversal_points_at_the_original(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "Typo"}, format="json")
    assert response.status_code == 201
    rows = api.get(ledger_url(ana.pk)).json()["results"]
    assert rows[0]["kind"] == "reversal"
    assert rows[0]["amount"] == "40.00"
    assert rows[0]["balance_after"] == "0.00"
    assert rows[0]["source"] == {"type": "entry", "id": entry.pk, "number": None}


# --- corrections ------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "expected"), [("-10.00", "-10.00"), ("12.34", "12.34")])
def test_correction_is_signed(api, manager, ana, amount, expected):
    response = api.post(
        corrections_url(ana.pk), {"amount": amount, "reason": " Goodwill "}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "correction"
    assert body["amount"] == expected
    assert body["balance_after"] == expected
    assert body["comment"] == "Goodwill"
    assert body["author"] == manager.pk
    assert balance(api, ana) == expected
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-10.00"}, "reason"),
        ({"amount": "-10.00", "reason": ""}, "reason"),
        ({"amount": "-10.00", "reason": "   "}, "reason"),
        ({"amount": "-10.00", "reason": "x" * 501}, "reason"),
        ({"reason": "x"}, "amount"),
        ({"amount": "0", "reason": "x"}, "amount"),
        ({"amount": "-0.00", "reason": "x"}, "amount"),
        ({"amount": "1.005", "reason": "x"}, "amount"),
        ({"amount": "abc", "reason": "x"}, "amount"),
        ({"amount": 1e20, "reason": "x"}, "amount"),
        ({"amount": "-1e20", "reason": "x"}, "amount"),
        ({"amount": "1.00", "reason": "x", "kind": "advance"}, "kind"),
    ],
)
def test_bad_correction_is_400_and_writes_nothing(api, ana, body, field):
    before = money_state()
    response = api.post(corrections_url(ana.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert money_state() == before


# --- reversals --------------------------------------------------------------------------------


def test_reversing_an_advance_takes_the_money_back_out_of_the_cashbox(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "Wrong client"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["amount"], body["balance_after"]) == ("reversal", "40.00", "0.00")
    assert body["comment"] == "Wrong client"
    assert balance_and_state(api, ana) == ("0.00", "settled")
    till.refresh_from_db()
    assert till.balance == 0
    payments = api.get(PAYMENTS, {"client": ana.pk}).json()["results"]
    assert [(p["direction"], p["amount"]) for p in payments] == [
        ("expense", "40.00"),
        ("income", "40.00"),
    ]
    assert api.get(cashbox_url(till.pk)).json()["balance"] == "0.00"


def test_reversing_a_refund_puts_the_money_back(api, ana, till):
    advance(api, ana, till, "40.00")
    refund(api, ana, till, "15.00")
    entry = LedgerEntry.objects.get(kind="refund")
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "Not paid out"}, format="json")
    assert response.status_code == 201, response.content
    assert balance(api, ana) == "-40.00"
    till.refresh_from_db()
    assert till.balance == Decimal("40.00")


def test_reversing_a_correction_moves_no_money(api, ana, till):
    api.post(corrections_url(ana.pk), {"amount": "30.00", "reason": "Debt"}, format="json")
    entry = LedgerEntry.objects.get()
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "No debt"}, format="json")
    assert response.status_code == 201
    assert balance_and_state(api, ana) == ("0.00", "settled")
    assert not Payment.objects.exists()


def test_reversing_twice_is_400(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    url = reverse_url(ana.pk, entry.pk)
    assert api.post(url, {"reason": "Wrong"}, format="json").status_code == 201
    pay(api, "other_income", cashbox=till, amount="100.00")
    before = money_state()
    response = api.post(url, {"reason": "Wrong again"}, format="json")
    assert response.status_code == 400
    assert "already been reversed" in messages(response.json())
    assert money_state() == before


def test_a_reversal_cannot_be_reversed(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    api.post(reverse_url(ana.pk, entry.pk), {"reason": "Wrong"}, format="json")
    reversal = LedgerEntry.objects.get(kind="reversal")
    before = money_state()
    response = api.post(reverse_url(ana.pk, reversal.pk), {"reason": "Undo"}, format="json")
    assert response.status_code == 400
    assert money_state() == before


def test_reversing_an_advance_already_spent_from_a_cash_cashbox_is_400(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    pay(api, "other_expense", cashbox=till, amount="30.00")
    before = money_state()
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "Wrong"}, format="json")
    assert response.status_code == 400
    assert "cashbox" in response.json()
    assert money_state() == before


def test_reversal_needs_a_reason(api, ana, till):
    advance(api, ana, till, "40.00")
    entry = LedgerEntry.objects.get()
    before = money_state()
    for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": "x", "amount": "1"}):
        response = api.post(reverse_url(ana.pk, entry.pk), body, format="json")
        assert response.status_code == 400, body
    assert money_state() == before


def test_reversing_another_clients_entry_is_404(api, ana, bia, till):
    advance(api, bia, till, "40.00")
    entry = LedgerEntry.objects.get()
    before = money_state()
    response = api.post(reverse_url(ana.pk, entry.pk), {"reason": "Wrong"}, format="json")
    assert response.status_code == 404
    assert api.post(reverse_url(ana.pk, 999_999), {"reason": "x"}).status_code == 404
    assert money_state() == before


# --- query counts -----------------------------------------------------------------------------


def add_entries(client, count: int, *authors) -> None:
    """``count`` ledger rows of every shape: advances (with payments), corrections by several
    authors, and reversals, written through the service so they look like real ones."""
    till = Cashbox.objects.get_or_create(title="Query till", defaults={"kind": "cashless"})[0]
    for i in range(count):
        actor = authors[i % len(authors)]
        if i % 3 == 0:
            services.advance_accept(actor=actor, client=client, cashbox=till, amount="10.00")
        elif i % 3 == 1:
            services.balance_correct(actor=actor, client=client, amount="3.00", reason=f"c{i}")
        else:
            previous = LedgerEntry.objects.filter(client=client).latest("id")
            services.entry_reverse(actor=actor, entry=previous, reason=f"r{i}")


def count_queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def test_ledger_and_payments_read_a_fixed_number_of_queries(api, manager, make_employee, ana):
    authors = [manager, make_employee("manager"), make_employee("admin")]
    urls = [
        f"{ledger_url(ana.pk)}?page_size=200",
        f"{PAYMENTS}?client={ana.pk}&page_size=200",
        balance_url(ana.pk),
    ]
    add_entries(ana, 5, *authors)
    api.get(urls[0])  # warm caches (content types, translations)
    small = [count_queries(api, url) for url in urls]
    add_entries(ana, 295, *authors)
    assert LedgerEntry.objects.filter(client=ana).count() == 300
    large = [count_queries(api, url) for url in urls]
    assert large == small
    assert max(large) <= 10


def test_ledger_query_count_with_django_assert_num_queries(
    api, manager, make_employee, ana, django_assert_num_queries
):
    authors = [manager, make_employee("manager")]
    add_entries(ana, 5, *authors)
    url = f"{ledger_url(ana.pk)}?page_size=200"
    api.get(url)
    small = count_queries(api, url)
    add_entries(ana, 295, *authors)
    with django_assert_num_queries(small):
        response = api.get(url)
    assert len(response.json()["results"]) == 200


# --- schema -----------------------------------------------------------------------------------


def test_schema_lists_the_money_paths(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    expected = {
        "/api/v1/cashboxes/": {"get", "post"},
        "/api/v1/cashboxes/{id}/": {"get", "patch"},
        "/api/v1/payments/": {"get", "post"},
        "/api/v1/clients/{id}/balance/": {"get"},
        "/api/v1/clients/{id}/ledger/": {"get"},
        "/api/v1/clients/{id}/ledger.xlsx": {"get"},
        "/api/v1/clients/{id}/corrections/": {"post"},
        "/api/v1/clients/{id}/ledger/{entry_id}/reverse/": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    for path in ("/api/v1/payments/", "/api/v1/clients/{id}/corrections/"):
        params = {p["name"] for p in paths[path]["post"].get("parameters", [])}
        assert "Idempotency-Key" in params, path
    filters = {p["name"] for p in paths["/api/v1/payments/"]["get"]["parameters"]}
    assert {"client", "cashbox", "kind", "page", "page_size"} <= filters
