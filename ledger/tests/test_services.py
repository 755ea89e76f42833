"""Every money operation in ``ledger.services``: what it writes, and what it refuses.

A refused operation must leave no trace: the row counts and every stored balance are
compared before and after.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from clients.services import (
    ClientDeleteRefused,
    client_delete,
    client_set_archived,
    client_update,
)
from clients.tests.factories import ClientFactory
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import (
    DocumentRef,
    MoneyError,
    advance_accept,
    balance_correct,
    cash_move,
    cashbox_save,
    document_payment_record,
    entry_reverse,
    refund_pay,
)

from .factories import CashboxFactory, CashlessCashboxFactory

pytestmark = pytest.mark.django_db

D = Decimal
ORDER = DocumentRef(type="order", id=41, number="OS-0041")
SALE = DocumentRef(type="sale", id=7, number="V-0007")


@pytest.fixture
def client():
    return ClientFactory(first_name="Carlos", last_name="Mendes")


@pytest.fixture
def till():
    return CashboxFactory(title="Front till")


@pytest.fixture
def bank():
    return CashlessCashboxFactory(title="Bank")


def balance(obj) -> Decimal:
    """The stored balance of a client or a cashbox, read from the database."""
    return type(obj).objects.values_list("balance", flat=True).get(pk=obj.pk)


def snapshot():
    """Everything a money operation could change."""
    return (
        LedgerEntry.objects.count(),
        Payment.objects.count(),
        dict(Client.objects.values_list("pk", "balance")),
        dict(Cashbox.objects.values_list("pk", "balance")),
    )


def assert_refused(operation, *, field: str | None = None, says: str = ""):
    """``operation`` raises MoneyError (on ``field``, mentioning ``says``) and writes nothing."""
    before = snapshot()
    with pytest.raises(MoneyError) as caught:
        operation()
    assert snapshot() == before, "a refused operation wrote something"
    messages = caught.value.message_dict[field] if field else caught.value.messages
    assert messages and all(m.strip() for m in messages)
    if says:
        assert any(says in m for m in messages), messages
    return caught.value


def other_client() -> Client:
    """Another client whose advance puts cash into a till, so that a refusal under test is
    about the rule and not about an empty till."""
    return ClientFactory(first_name="Other")


def check_ledger() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("check_ledger", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def check_ledger_fails() -> str:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=out, stderr=err)
    return err.getvalue()


# --- amounts -------------------------------------------------------------------------------

BAD_AMOUNTS = [
    pytest.param(0, id="zero"),
    pytest.param("0.00", id="zero-string"),
    pytest.param(D("0.001"), id="rounds-to-zero"),
    pytest.param(-5, id="negative"),
    pytest.param(D("-0.01"), id="negative-cent"),
    pytest.param("10.005", id="three-places"),
    pytest.param(D("1.999"), id="three-places-decimal"),
    pytest.param(0.1 + 0.2, id="float-noise"),
    pytest.param(D("1000000000.00"), id="above-max"),
    pytest.param(D("1e30"), id="huge"),
    pytest.param("abc", id="not-a-number"),
    pytest.param("", id="empty"),
    pytest.param(None, id="none"),
    pytest.param(D("NaN"), id="nan"),
    pytest.param("Infinity", id="infinity"),
]


@pytest.fixture
def operations(manager, client, till, bank):
    """Each amount-taking service, in a state where a good amount would be accepted."""
    advance_accept(actor=manager, client=client, cashbox=till, amount=D("50000.00"))
    return {
        "advance": lambda amount: advance_accept(
            actor=manager, client=client, cashbox=till, amount=amount
        ),
        "refund": lambda amount: refund_pay(
            actor=manager, client=client, cashbox=till, amount=amount
        ),
        "document_payment": lambda amount: document_payment_record(
            actor=manager, client=client, cashbox=bank, amount=amount, document=ORDER
        ),
        "correction": lambda amount: balance_correct(
            actor=manager, client=client, amount=amount, reason="Typo"
        ),
        "cash_move": lambda amount: cash_move(
            actor=manager,
            cashbox=till,
            direction=Payment.Direction.EXPENSE,
            amount=amount,
            category=Payment.Category.OTHER_EXPENSE,
        ),
    }


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_bad_amount_is_refused_by_every_operation_and_nothing_written(operations, amount):
    for name, operation in operations.items():
        if name == "correction" and amount in (-5, D("-0.01")):
            continue  # a correction may be negative
        try:
            assert_refused(lambda operation=operation: operation(amount), field="amount")
        except BaseException as exc:
            raise AssertionError(f"{name}({amount!r}) was not refused cleanly: {exc}") from exc


@pytest.mark.parametrize("amount", [D("-1000000000.00"), "-0.005", D("-0.001")])
def test_bad_negative_correction_is_refused_and_nothing_written(operations, amount):
    assert_refused(lambda: operations["correction"](amount), field="amount")


@pytest.mark.parametrize(
    "operation", ["advance", "refund", "document_payment", "correction", "cash_move"]
)
def test_good_amount_is_stored_with_two_places(operations, operation):
    result = operations[operation]("12.5")
    result.refresh_from_db()
    assert result.amount in (D("12.50"), D("-12.50"))
    assert result.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("given", "stored"),
    [(7, D("7.00")), ("3.1", D("3.10")), (D("2.500"), D("2.50")), (D("1E+1"), D("10.00"))],
)
def test_amounts_in_any_form_are_quantized_to_cents(manager, client, till, given, stored):
    payment = advance_accept(actor=manager, client=client, cashbox=till, amount=given)
    payment.refresh_from_db()
    assert payment.amount == stored
    assert balance(client) == -stored
    assert balance(till) == stored


def test_largest_single_amount_is_accepted_one_cent_more_refused(manager, client, bank):
    advance_accept(actor=manager, client=client, cashbox=bank, amount=D("999999999.99"))
    assert balance(client) == D("-999999999.99")
    assert_refused(
        lambda: advance_accept(actor=manager, client=client, cashbox=bank, amount="1000000000.00"),
        field="amount",
    )


def test_correction_beyond_the_balance_column_is_refused(manager, client):
    # Reaching the column's limit honestly takes a thousand maximal corrections; start near it.
    Client.objects.filter(pk=client.pk).update(balance=D("999999999999.00"))
    assert_refused(
        lambda: balance_correct(actor=manager, client=client, amount="1.00", reason="x"),
        field="amount",
    )
    assert balance(client) == D("999999999999.00")


# --- advance -------------------------------------------------------------------------------


def test_advance_moves_money_into_the_cashbox_and_we_owe_the_client(manager, client, till):
    payment = advance_accept(
        actor=manager, client=client, cashbox=till, amount="150.00", note="  For  the  repair "
    )
    assert balance(client) == D("-150.00")
    assert balance(till) == D("150.00")
    payment.refresh_from_db()
    assert (payment.direction, payment.category) == ("income", "advance")
    assert (payment.client, payment.cashbox, payment.employee) == (client, till, manager)
    assert payment.note == "For the repair"
    assert payment.cashbox_balance_after == D("150.00")
    entry = payment.ledger_entry
    assert (entry.kind, entry.amount, entry.balance_after) == ("advance", D("-150.00"), D("-150"))
    assert (entry.client, entry.author, entry.comment) == (client, manager, "For the repair")


def test_advance_into_an_inactive_cashbox_is_refused(manager, client):
    closed = CashboxFactory(active=False)
    assert_refused(
        lambda: advance_accept(actor=manager, client=client, cashbox=closed, amount=10),
        field="cashbox",
        says="inactive",
    )


def test_advance_uses_the_stored_cashbox_state_not_a_stale_copy(manager, client, till):
    stale = Cashbox.objects.get(pk=till.pk)
    Cashbox.objects.filter(pk=till.pk).update(active=False)
    assert_refused(
        lambda: advance_accept(actor=manager, client=client, cashbox=stale, amount=10),
        field="cashbox",
    )


def test_note_longer_than_500_characters_is_refused(manager, client, till):
    assert_refused(
        lambda: advance_accept(
            actor=manager, client=client, cashbox=till, amount=1, note="x" * 501
        ),
        field="note",
    )
    advance_accept(actor=manager, client=client, cashbox=till, amount=1, note="x" * 500)


# --- refund --------------------------------------------------------------------------------


def test_refund_pays_back_what_we_owe(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    payment = refund_pay(actor=manager, client=client, cashbox=till, amount="40.00", note="Part")
    assert balance(client) == D("-60.00")
    assert balance(till) == D("60.00")
    payment.refresh_from_db()
    assert (payment.direction, payment.category, payment.client) == ("expense", "refund", client)
    assert payment.cashbox_balance_after == D("60.00")
    entry = payment.ledger_entry
    assert (entry.kind, entry.amount, entry.balance_after) == ("refund", D("40.00"), D("-60.00"))

    refund_pay(actor=manager, client=client, cashbox=till, amount="60.00")
    assert balance(client) == D("0.00")
    assert balance(till) == D("0.00")


def test_refund_to_a_settled_client_is_refused(manager, client, till):
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount=500)
    assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="0.01"),
        field="amount",
    )


def test_refund_to_a_client_who_owes_us_is_refused(manager, client, till):
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount=500)
    balance_correct(actor=manager, client=client, amount="80.00", reason="Old debt")
    assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="10.00"),
        field="amount",
    )


def test_refund_one_cent_more_than_owed_is_refused(manager, client, till):
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount=500)
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    error = assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="100.01"),
        field="amount",
    )
    assert "100" in error.message_dict["amount"][0], "the message should say what we owe"


def test_refund_counts_corrections_in_what_we_owe(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    balance_correct(actor=manager, client=client, amount="30.00", reason="Charge for parts")
    assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="70.01"),
        field="amount",
    )
    refund_pay(actor=manager, client=client, cashbox=till, amount="70.00")
    assert balance(client) == D("0.00")


def test_refund_uses_the_stored_balance_not_a_stale_client_copy(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    stale = Client.objects.get(pk=client.pk)  # balance -100 in memory
    refund_pay(actor=manager, client=client, cashbox=till, amount="100.00")
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount=500)
    assert_refused(
        lambda: refund_pay(actor=manager, client=stale, cashbox=till, amount="100.00"),
        field="amount",
    )


def test_refund_from_a_cash_till_holding_less_is_refused(manager, client, till, bank):
    advance_accept(actor=manager, client=client, cashbox=bank, amount="100.00")
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount="30.00")
    assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="30.01"),
        field="cashbox",
        says="Front till",
    )
    refund_pay(actor=manager, client=client, cashbox=till, amount="30.00")
    assert balance(till) == D("0.00")


def test_refund_from_a_cashless_account_may_take_it_below_zero(manager, client, till, bank):
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    payment = refund_pay(actor=manager, client=client, cashbox=bank, amount="100.00")
    assert balance(bank) == D("-100.00")
    assert payment.cashbox_balance_after == D("-100.00")
    assert balance(client) == D("0.00")
    check_ledger()


def test_refund_from_an_inactive_cashbox_is_refused(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    Cashbox.objects.filter(pk=till.pk).update(active=False)
    assert_refused(
        lambda: refund_pay(actor=manager, client=client, cashbox=till, amount="10.00"),
        field="cashbox",
    )


# --- payment for a document ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "category"), [(ORDER, "order_payment"), (SALE, "sale_payment")]
)
def test_payment_for_a_document_links_it_on_payment_and_entry(
    manager, client, bank, document, category
):
    balance_correct(actor=manager, client=client, amount="250.00", reason="Charge")
    payment = document_payment_record(
        actor=manager, client=client, cashbox=bank, amount="250.00", document=document, note="Pix"
    )
    assert balance(client) == D("0.00")
    assert balance(bank) == D("250.00")
    payment.refresh_from_db()
    assert (payment.direction, payment.category) == ("income", category)
    assert (payment.document_type, payment.document_id, payment.document_number) == (
        document.type,
        document.id,
        document.number,
    )
    entry = payment.ledger_entry
    assert (entry.kind, entry.amount, entry.balance_after) == ("payment", D("-250"), D("0"))
    assert (entry.source_type, entry.source_id, entry.source_number) == (
        document.type,
        document.id,
        document.number,
    )


def test_payment_for_a_document_into_an_inactive_cashbox_is_refused(manager, client):
    closed = CashlessCashboxFactory(active=False)
    assert_refused(
        lambda: document_payment_record(
            actor=manager, client=client, cashbox=closed, amount=10, document=ORDER
        ),
        field="cashbox",
    )


# --- correction ----------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [D("35.10"), D("-35.10")])
def test_correction_moves_the_balance_and_no_money(manager, client, till, amount):
    entry = balance_correct(actor=manager, client=client, amount=amount, reason=" Wrong  price ")
    assert balance(client) == amount
    assert balance(till) == D("0.00")
    assert Payment.objects.count() == 0
    entry.refresh_from_db()
    assert (entry.kind, entry.amount, entry.balance_after) == ("correction", amount, amount)
    assert (entry.comment, entry.author, entry.payment) == ("Wrong price", manager, None)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_correction_without_a_reason_is_refused(manager, client, reason):
    assert_refused(
        lambda: balance_correct(actor=manager, client=client, amount="5.00", reason=reason),
        field="reason",
    )


# --- reversal ------------------------------------------------------------------------------


def test_reversing_an_advance_takes_the_money_back_out_of_its_cashbox(manager, client, till):
    advance = advance_accept(actor=manager, client=client, cashbox=till, amount="80.00")
    reversal = entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Wrong client")
    assert balance(client) == D("0.00")
    assert balance(till) == D("0.00")
    reversal.refresh_from_db()
    assert (reversal.kind, reversal.amount, reversal.balance_after) == ("reversal", D("80"), 0)
    assert reversal.reverses_id == advance.ledger_entry.pk
    assert reversal.comment == "Wrong client"
    undo = reversal.payment
    assert (undo.cashbox, undo.direction, undo.amount, undo.category) == (
        till,
        "expense",
        D("80.00"),
        "reversal",
    )
    assert undo.reverses_id == advance.pk
    assert undo.client == client
    check_ledger()


def test_reversing_a_refund_puts_the_money_back_and_we_owe_again(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="80.00")
    refund = refund_pay(actor=manager, client=client, cashbox=till, amount="80.00")
    reversal = entry_reverse(actor=manager, entry=refund.ledger_entry, reason="Not paid out")
    assert balance(client) == D("-80.00")
    assert balance(till) == D("80.00")
    assert reversal.payment.direction == "income"
    assert reversal.payment.reverses_id == refund.pk


def test_reversing_a_correction_moves_no_money(manager, client, till):
    correction = balance_correct(actor=manager, client=client, amount="-12.00", reason="x")
    reversal = entry_reverse(actor=manager, entry=correction, reason="Undo")
    assert balance(client) == D("0.00")
    assert reversal.payment is None
    assert Payment.objects.count() == 0


def test_an_entry_reversed_twice_is_refused(manager, client, till):
    advance = advance_accept(actor=manager, client=client, cashbox=till, amount="80.00")
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount="500.00")
    entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Mistake")
    assert_refused(
        lambda: entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Again"),
        says="already been reversed",
    )
    assert balance(client) == D("0.00")


def test_a_reversal_cannot_be_reversed(manager, client):
    correction = balance_correct(actor=manager, client=client, amount="10.00", reason="x")
    reversal = entry_reverse(actor=manager, entry=correction, reason="Undo")
    assert_refused(lambda: entry_reverse(actor=manager, entry=reversal, reason="Redo"))
    assert balance(client) == D("0.00")


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_reversal_needs_a_reason(manager, client, reason):
    correction = balance_correct(actor=manager, client=client, amount="10.00", reason="x")
    assert_refused(
        lambda: entry_reverse(actor=manager, entry=correction, reason=reason), field="reason"
    )


def test_reversing_an_advance_already_spent_from_a_cash_till_is_refused(manager, client, till):
    advance = advance_accept(actor=manager, client=client, cashbox=till, amount="80.00")
    cash_move(
        actor=manager,
        cashbox=till,
        direction=Payment.Direction.EXPENSE,
        amount="50.00",
        category=Payment.Category.OTHER_EXPENSE,
    )
    assert_refused(
        lambda: entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Mistake"),
        field="cashbox",
    )
    assert balance(till) == D("30.00")


# --- cash moves ----------------------------------------------------------------------------


def test_other_income_and_expense_move_the_cashbox_and_no_client(manager, till):
    cash_move(
        actor=manager,
        cashbox=till,
        direction=Payment.Direction.INCOME,
        amount="100.00",
        category=Payment.Category.OTHER_INCOME,
        note="Change fund",
    )
    expense = cash_move(
        actor=manager,
        cashbox=till,
        direction=Payment.Direction.EXPENSE,
        amount="25.50",
        category=Payment.Category.OTHER_EXPENSE,
        note="Coffee",
    )
    assert balance(till) == D("74.50")
    expense.refresh_from_db()
    assert (expense.client, expense.category, expense.cashbox_balance_after) == (
        None,
        "other_expense",
        D("74.50"),
    )
    assert LedgerEntry.objects.count() == 0


def test_expense_beyond_a_cash_till_is_refused_cashless_may_go_negative(manager, till, bank):
    assert_refused(
        lambda: cash_move(
            actor=manager,
            cashbox=till,
            direction=Payment.Direction.EXPENSE,
            amount="0.01",
            category=Payment.Category.OTHER_EXPENSE,
        ),
        field="cashbox",
    )
    cash_move(
        actor=manager,
        cashbox=bank,
        direction=Payment.Direction.EXPENSE,
        amount="20.00",
        category=Payment.Category.OTHER_EXPENSE,
    )
    assert balance(bank) == D("-20.00")


@pytest.mark.parametrize("category", ["advance", "refund", "order_payment", "reversal", "bogus"])
def test_cash_move_refuses_client_categories(manager, till, category):
    assert_refused(
        lambda: cash_move(
            actor=manager,
            cashbox=till,
            direction=Payment.Direction.INCOME,
            amount="10.00",
            category=category,
        )
    )


def test_cash_move_on_an_inactive_cashbox_is_refused(manager):
    closed = CashboxFactory(active=False)
    assert_refused(
        lambda: cash_move(
            actor=manager,
            cashbox=closed,
            direction=Payment.Direction.INCOME,
            amount="10.00",
            category=Payment.Category.OTHER_INCOME,
        ),
        field="cashbox",
    )


# --- cashboxes -----------------------------------------------------------------------------


def test_cashbox_save_creates_and_edits(manager):
    box = cashbox_save(
        actor=manager, cashbox=Cashbox(), title="  Main   till ", kind="cash", virtual=False,
        active=True,
    )  # fmt: skip
    box.refresh_from_db()
    assert (box.title, box.kind, box.virtual, box.active, box.balance) == (
        "Main till",
        "cash",
        False,
        True,
        D("0.00"),
    )
    cashbox_save(
        actor=manager, cashbox=box, title="Bonuses", kind="cashless", virtual=True, active=False
    )
    box.refresh_from_db()
    assert (box.title, box.kind, box.virtual, box.active) == ("Bonuses", "cashless", True, False)


@pytest.mark.parametrize("title", ["", "   "])
def test_cashbox_without_a_title_is_refused(manager, title):
    assert_refused(
        lambda: cashbox_save(
            actor=manager, cashbox=Cashbox(), title=title, kind="cash", virtual=False, active=True
        ),
        field="title",
    )
    assert Cashbox.objects.count() == 0


def test_renaming_a_cashbox_keeps_money_that_moved_since_it_was_loaded(manager, client, till):
    loaded = Cashbox.objects.get(pk=till.pk)  # balance 0 in memory
    advance_accept(actor=manager, client=client, cashbox=till, amount="90.00")
    cashbox_save(
        actor=manager, cashbox=loaded, title="Renamed", kind="cash", virtual=False, active=True
    )
    assert balance(till) == D("90.00")
    check_ledger()


def test_a_cashless_account_below_zero_cannot_become_cash(manager, client, till, bank):
    advance_accept(actor=manager, client=client, cashbox=till, amount="10.00")
    refund_pay(actor=manager, client=client, cashbox=bank, amount="10.00")
    assert_refused(
        lambda: cashbox_save(
            actor=manager, cashbox=bank, title="Bank", kind="cash", virtual=False, active=True
        ),
        field="kind",
    )
    assert Cashbox.objects.get(pk=bank.pk).kind == "cashless"


def test_a_cashless_account_at_zero_or_above_can_become_cash(manager, bank):
    cashbox_save(actor=manager, cashbox=bank, title="Bank", kind="cash", virtual=False, active=True)
    assert Cashbox.objects.get(pk=bank.pk).kind == "cash"


def test_a_deactivated_cashbox_takes_no_more_money(manager, client, till):
    cashbox_save(
        actor=manager, cashbox=till, title="Front till", kind="cash", virtual=False, active=False
    )
    assert_refused(
        lambda: advance_accept(actor=manager, client=client, cashbox=till, amount=10),
        field="cashbox",
    )


# --- the ledger as a statement -------------------------------------------------------------


def run_everything(manager, client, till, bank):
    advance_accept(actor=manager, client=client, cashbox=till, amount="200.00")
    refund_pay(actor=manager, client=client, cashbox=till, amount="50.00")
    balance_correct(actor=manager, client=client, amount="-0.10", reason="Rounding")
    document_payment_record(
        actor=manager, client=client, cashbox=bank, amount="30.00", document=ORDER
    )
    balance_correct(actor=manager, client=client, amount="300.00", reason="Order charge")
    advance = advance_accept(actor=manager, client=client, cashbox=bank, amount="20.00")
    entry_reverse(actor=manager, entry=advance.ledger_entry, reason="Duplicate")
    cash_move(
        actor=manager,
        cashbox=till,
        direction=Payment.Direction.EXPENSE,
        amount="10.00",
        category=Payment.Category.OTHER_EXPENSE,
    )


def test_balance_after_on_each_entry_is_the_running_balance(manager, client, till, bank):
    run_everything(manager, client, till, bank)
    running = D("0")
    rows = LedgerEntry.objects.filter(client=client).order_by("id")
    for amount, after in rows.values_list("amount", "balance_after"):
        running += amount
        assert after == running
    assert running == D("119.90")
    assert balance(client) == running
    assert balance(till) == D("140.00")
    assert balance(bank) == D("30.00")
    for box in (till, bank):
        running = D("0")
        for payment in Payment.objects.filter(cashbox=box).order_by("id"):
            running += payment.signed_amount
            assert payment.cashbox_balance_after == running


def test_the_services_only_insert_payments_and_entries(manager, client, till, bank):
    advance_accept(actor=manager, client=client, cashbox=till, amount="5.00")
    first = list(LedgerEntry.objects.order_by("id").values())
    first_payments = list(Payment.objects.order_by("id").values())
    with CaptureQueriesContext(connection) as queries:
        run_everything(manager, client, till, bank)
    for query in queries.captured_queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("UPDATE", "DELETE")):
            assert "LEDGER_LEDGERENTRY" not in sql and "LEDGER_PAYMENT" not in sql, sql
    assert list(LedgerEntry.objects.order_by("id").values())[: len(first)] == first
    assert list(Payment.objects.order_by("id").values())[: len(first_payments)] == first_payments


# --- client deletion -----------------------------------------------------------------------


@pytest.mark.parametrize("history", ["advance", "correction", "cash"])
def test_a_client_with_money_history_cannot_be_deleted_but_can_be_archived(
    manager, client, till, history
):
    if history == "advance":
        advance_accept(actor=manager, client=client, cashbox=till, amount="10.00")
    elif history == "correction":
        entry = balance_correct(actor=manager, client=client, amount="10.00", reason="x")
        entry_reverse(actor=manager, entry=entry, reason="undo")  # balance back to zero
    else:
        advance = advance_accept(actor=manager, client=client, cashbox=till, amount="10.00")
        refund_pay(actor=manager, client=client, cashbox=till, amount="10.00")
        assert advance.client_id == client.pk
    with pytest.raises(ClientDeleteRefused) as caught:
        client_delete(actor=manager, client=client)
    assert "archive" in str(caught.value)
    assert Client.objects.filter(pk=client.pk).exists()
    entries = LedgerEntry.objects.filter(client=client).count()

    client_set_archived(actor=manager, client=client, archived=True)
    client.refresh_from_db()
    assert client.archived
    assert LedgerEntry.objects.filter(client=client).count() == entries
    check_ledger()


def test_a_client_without_money_history_can_be_deleted(manager, client, till):
    advance_accept(actor=manager, client=other_client(), cashbox=till, amount="10.00")
    client_delete(actor=manager, client=client)
    assert not Client.objects.filter(pk=client.pk).exists()


def test_editing_a_client_profile_keeps_a_balance_that_moved_meanwhile(manager, client, till):
    """Cashier A opens the client (balance 0) and saves a note; meanwhile cashier B took an
    advance. The advance must survive A's save."""
    opened_by_a = Client.objects.get(pk=client.pk)
    advance_accept(actor=manager, client=client, cashbox=till, amount="100.00")
    client_update(actor=manager, client=opened_by_a, data={"notes": "Prefers WhatsApp"})
    assert balance(client) == D("-100.00")
    check_ledger()


# --- check_ledger --------------------------------------------------------------------------


def test_check_ledger_passes_after_every_kind_of_operation(manager, client, till, bank):
    run_everything(manager, client, till, bank)
    out, err = check_ledger()
    assert "match" in out
    assert err == ""


def test_check_ledger_fails_naming_a_client_whose_balance_was_tampered(manager, client, till, bank):
    run_everything(manager, client, till, bank)
    ClientFactory(first_name="Innocent", last_name="Bystander")
    Client.objects.filter(pk=client.pk).update(balance=D("0.00"))
    err = check_ledger_fails()
    assert "Carlos Mendes" in err
    assert f"#{client.pk}" in err
    assert "119.90" in err, "the message should say what the entries add up to"
    assert "Innocent" not in err


def test_check_ledger_fails_for_a_client_without_entries_but_a_balance(client):
    Client.objects.filter(pk=client.pk).update(balance=D("5.00"))
    assert "Carlos Mendes" in check_ledger_fails()


def test_check_ledger_fails_naming_a_tampered_cashbox(manager, client, till, bank):
    run_everything(manager, client, till, bank)
    Cashbox.objects.filter(pk=bank.pk).update(balance=D("30.01"))
    err = check_ledger_fails()
    assert "Bank" in err
    assert "Front till" not in err
    assert "Carlos" not in err


def test_check_ledger_fails_when_the_newest_balance_after_disagrees(manager, client, till):
    advance_accept(actor=manager, client=client, cashbox=till, amount="10.00")
    LedgerEntry.objects.filter(client=client).update(balance_after=D("-9.00"))
    assert "Carlos Mendes" in check_ledger_fails()
