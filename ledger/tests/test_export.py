"""``/api/v1/clients/{id}/ledger.xlsx``: the Balance tab's list as a real Excel workbook."""

import io
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.test import Client as BrowserClient
from django.utils import timezone, translation

from accounts.models import Role
from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, LedgerEntry

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENGLISH_HEADER = [
    "Date and time",
    "Kind",
    "Amount",
    "Balance after",
    "Comment",
    "Author",
    "Source",
]
FORMULA_LIKE = ["=1+1", "+55 11 98765-4321", "-10 discount", "@SUM(A1:A9)", '=HYPERLINK("x")']


def export_url(pk):
    return f"/api/v1/clients/{pk}/ledger.xlsx"


def ledger_url(pk):
    return f"/api/v1/clients/{pk}/ledger/"


def content_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def read_sheet(response):
    """(top rows, header, data rows) of the workbook's first sheet, as cells.

    The header is the first row with a value in at least five columns; everything above it
    is the "client and export time" block.
    """
    assert response.status_code == 200, response.content
    book = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows()]
    for index, row in enumerate(rows):
        if sum(cell.value not in (None, "") for cell in row) >= 5:
            top, header, data = rows[:index], row, rows[index + 1 :]
            data = [r for r in data if any(c.value not in (None, "") for c in r)]
            return top, header, data
    raise AssertionError("no header row in the workbook")


def columns(header) -> dict[str, int]:
    return {cell.value: i for i, cell in enumerate(header) if cell.value}


def local_naive(value: datetime) -> datetime:
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def role_employee(make_employee, name, permissions):
    employee = make_employee()
    employee.role = Role.objects.create(name=name, permissions=permissions)
    employee.save(update_fields=["role"])
    return employee


@pytest.fixture
def till(db):
    return Cashbox.objects.create(title="Till", kind=Cashbox.Kind.CASH)


@pytest.fixture
def ana(db):
    return ClientFactory(first_name="Ana", last_name="Souza")


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def history(manager, admin, ana, till):
    """Advance, correction by another author, refund and a reversal."""
    services.advance_accept(actor=manager, client=ana, cashbox=till, amount="150.00", note="Dep")
    services.balance_correct(actor=admin, client=ana, amount="12.34", reason="Fee")
    services.refund_pay(actor=manager, client=ana, cashbox=till, amount="40.50", note="Back")
    fee = LedgerEntry.objects.get(kind="correction")
    services.entry_reverse(actor=admin, entry=fee, reason="No fee")
    return list(LedgerEntry.objects.filter(client=ana).order_by("-id"))


# --- the file ---------------------------------------------------------------------------------


def test_export_is_an_xlsx_attachment(api, ana, history):
    response = api.get(export_url(ana.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert disposition.rstrip('"').endswith(".xlsx")
    assert content_of(response)[:2] == b"PK"  # a zip, as every .xlsx is


def test_export_works_with_a_browser_session(manager, ana, history):
    browser = BrowserClient()
    browser.force_login(manager)
    response = browser.get(export_url(ana.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    _, _, rows = read_sheet(response)
    assert len(rows) == len(history)


def test_client_name_and_export_time_on_top(api, ana, history):
    before = local_naive(timezone.now()).replace(microsecond=0) - timedelta(seconds=1)
    response = api.get(export_url(ana.pk))
    after = local_naive(timezone.now()) + timedelta(seconds=1)
    top, _, _ = read_sheet(response)
    values = [cell.value for row in top for cell in row]
    assert "Ana Souza" in values
    stamps = [v for v in values if isinstance(v, datetime)]
    assert len(stamps) == 1, values
    assert before <= stamps[0] <= after


def test_header_row_in_english(api, ana, history):
    _, header, _ = read_sheet(api.get(export_url(ana.pk)))
    assert [cell.value for cell in header if cell.value] == ENGLISH_HEADER


def portuguese_header() -> list[str]:
    with translation.override("pt-br"):
        return [translation.gettext(title) for title in ENGLISH_HEADER]


def assert_portuguese(response):
    top, header, _ = read_sheet(response)
    titles = [cell.value for cell in header if cell.value]
    assert len(titles) == len(ENGLISH_HEADER)
    untranslated = [t for t, en in zip(titles, ENGLISH_HEADER, strict=True) if t == en]
    assert not untranslated, f"header columns still in English: {untranslated}"
    assert titles == portuguese_header()
    assert "Cliente" in [cell.value for row in top for cell in row]


def test_header_follows_accept_language(api, ana, history):
    assert_portuguese(api.get(export_url(ana.pk), HTTP_ACCEPT_LANGUAGE="pt-br"))


def test_header_follows_the_language_cookie(manager, ana, history):
    browser = BrowserClient()
    browser.force_login(manager)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    assert_portuguese(browser.get(export_url(ana.pk)))


def test_rows_are_the_ledger_api_rows_in_the_same_order(api, ana, history, manager, admin):
    api_rows = api.get(ledger_url(ana.pk), {"page_size": 200}).json()["results"]
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    col = columns(header)
    assert len(rows) == len(api_rows) == 4
    names = {manager.pk: manager.full_name, admin.pk: admin.full_name}
    for row, entry in zip(rows, api_rows, strict=True):
        assert row[col["Kind"]].value == LedgerEntry.Kind(entry["kind"]).label
        assert row[col["Amount"]].value == pytest.approx(float(entry["amount"]))
        assert row[col["Balance after"]].value == pytest.approx(float(entry["balance_after"]))
        assert (row[col["Comment"]].value or "") == entry["comment"]
        assert row[col["Author"]].value == names[entry["author"]]
        exported = row[col["Date and time"]].value
        expected = local_naive(datetime.fromisoformat(entry["created_at"]))
        assert abs(exported - expected) < timedelta(milliseconds=1)
    assert [r[col["Comment"]].value for r in rows] == ["No fee", "Back", "Fee", "Dep"]


def test_source_column_names_what_caused_each_entry(api, ana, history):
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    sources = [row[columns(header)["Source"]].value for row in rows]
    _reversal, refund, correction, advance = history
    assert sources[0] == f"Reversal of entry #{correction.pk}"
    assert sources[1] == f"Payment #{refund.payment_id}"
    assert sources[2] == "Correction"
    assert sources[3] == f"Payment #{advance.payment_id}"


def test_dates_are_real_datetimes_in_the_installation_time_zone(api, manager, ana):
    services.balance_correct(actor=manager, client=ana, amount="5.00", reason="Old")
    services.balance_correct(actor=manager, client=ana, amount="6.00", reason="New")
    old, new = LedgerEntry.objects.order_by("id")
    # 12:00 UTC in January and in July: 09:00 in São Paulo (UTC-3, no summer time since 2019).
    LedgerEntry.objects.filter(pk=old.pk).update(
        created_at=datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
    )
    LedgerEntry.objects.filter(pk=new.pk).update(created_at=datetime(2024, 7, 1, 2, 30, tzinfo=UTC))
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    cells = [row[columns(header)["Date and time"]] for row in rows]
    assert all(cell.is_date for cell in cells)
    assert [cell.value for cell in cells] == [
        datetime(2024, 6, 30, 23, 30),
        datetime(2024, 1, 15, 9, 0),
    ]


def test_amounts_are_numbers(api, ana, history):
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    col = columns(header)
    for row in rows:
        for title in ("Amount", "Balance after"):
            cell = row[col[title]]
            assert cell.data_type == "n"
            assert isinstance(cell.value, int | float)
    amounts = [row[col["Amount"]].value for row in rows]
    assert amounts == pytest.approx([-12.34, 40.50, 12.34, -150.00])
    assert rows[0][col["Balance after"]].value == pytest.approx(-109.50)


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_comments_are_literal_quoted_text(api, manager, ana, text):
    services.balance_correct(actor=manager, client=ana, amount="1.00", reason=text)
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    cell = rows[0][columns(header)["Comment"]]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_formula_like_client_and_author_names_are_literal_quoted_text(api_as, make_employee, till):
    author = make_employee("manager", full_name="@Boss -admin")
    client = ClientFactory(
        kind="organization", first_name="", last_name="", name="=cmd|'/C calc'!A0"
    )
    services.advance_accept(actor=author, client=client, cashbox=till, amount="10", note="+1")
    top, header, rows = read_sheet(api_as(author).get(export_url(client.pk)))
    name_cells = [cell for row in top for cell in row if cell.value == client.display_name]
    assert client.display_name == "=cmd|'/C calc'!A0"
    assert len(name_cells) == 1
    assert name_cells[0].data_type == "s"
    assert name_cells[0].quotePrefix is True
    col = columns(header)
    for title, expected in (("Author", "@Boss -admin"), ("Comment", "+1")):
        cell = rows[0][col[title]]
        assert cell.value == expected
        assert cell.data_type == "s"
        assert cell.quotePrefix is True


def test_plain_text_is_not_quoted(api, manager, ana):
    services.balance_correct(actor=manager, client=ana, amount="1.00", reason="Plain 5-1")
    _, header, rows = read_sheet(api.get(export_url(ana.pk)))
    cell = rows[0][columns(header)["Comment"]]
    assert cell.value == "Plain 5-1"
    assert not cell.quotePrefix


def test_client_without_entries_exports_just_the_header(api, ana):
    top, header, rows = read_sheet(api.get(export_url(ana.pk)))
    assert [cell.value for cell in header if cell.value] == ENGLISH_HEADER
    assert rows == []
    assert "Ana Souza" in [cell.value for row in top for cell in row]


# --- who may export ---------------------------------------------------------------------------


def test_specialist_cannot_export(api_as, specialist, ana, history):
    response = api_as(specialist).get(export_url(ana.pk))
    assert response.status_code == 403
    assert response["Content-Type"] != XLSX


@pytest.mark.parametrize(
    "permissions",
    [
        ["clients.view", "clients.export"],
        ["clients.view", "ledger.view_balance"],
    ],
    ids=["export-without-view-balance", "view-balance-without-export"],
)
def test_export_needs_both_permissions(api_as, make_employee, ana, history, permissions):
    employee = role_employee(make_employee, "Partial", permissions)
    response = api_as(employee).get(export_url(ana.pk))
    assert response.status_code == 403
    assert response["Content-Type"] != XLSX


def test_role_with_both_permissions_exports(api_as, make_employee, ana, history):
    employee = role_employee(
        make_employee, "Exporter", ["clients.view", "clients.export", "ledger.view_balance"]
    )
    _, _, rows = read_sheet(api_as(employee).get(export_url(ana.pk)))
    assert len(rows) == 4


def test_unauthenticated_export_is_401(api_client, ana, history):
    assert api_client.get(export_url(ana.pk)).status_code == 401


def test_unknown_client_is_404(api):
    assert api.get(export_url(999_999)).status_code == 404


# --- bounded memory ---------------------------------------------------------------------------

BIG = 20_000


def add_bulk_entries(client, author, count: int) -> None:
    """``count`` corrections with a consistent running balance, written in bulk."""
    start = timezone.now() - timedelta(days=count)
    balance = Decimal("0")
    rows = []
    for i in range(count):
        amount = Decimal("12.34") if i % 2 else Decimal("-7.50")
        balance += amount
        rows.append(
            LedgerEntry(
                client=client,
                kind=LedgerEntry.Kind.CORRECTION,
                amount=amount,
                balance_after=balance,
                comment=f"Bulk correction number {i} with some text to make the row wider",
                author=author,
                created_at=start + timedelta(minutes=i),
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    type(client).objects.filter(pk=client.pk).update(balance=balance)


# Peak Python allocations (tracemalloc) with 20,000 rows, measured on SQLite / PostgreSQL:
#   the streaming export request .............................. 1.7 MiB / 2.3 MiB
#   the same rows loaded as tuples (list(values_list(...))) .. 16.1 MiB / 11.9 MiB
#   the same rows loaded as model instances .................. 40.0 MiB / 37.3 MiB
#   the export with XlsxWriter's in-memory (not constant_memory) workbook: 21.7 / 22.0 MiB
# (the .xlsx itself is about 0.7 MB). 6 MiB leaves ~2.5x headroom over the streaming export and
# is half of what holding the rows alone would take.
MEMORY_BOUND = 6 * 1024 * 1024


@pytest.mark.slow
def test_large_export_runs_in_bounded_memory(api, manager, ana):
    add_bulk_entries(ana, manager, BIG)
    api.get(export_url(ana.pk))  # warm imports and caches outside the measurement
    tracemalloc.start()
    try:
        response = api.get(export_url(ana.pk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    content = content_of(response)
    assert peak < MEMORY_BOUND, f"peak {peak / 1024 / 1024:.1f} MiB"
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheet = book.worksheets[0]
    assert sheet.max_row >= BIG


@pytest.mark.parametrize(
    ("language", "order", "sale"),
    [
        ("en", "Work order A-00007", "Sale S-00003"),
        ("pt-br", "Ordem de serviço A-00007", "Venda S-00003"),
    ],
)
def test_source_names_the_document_in_the_readers_language(
    api, ana, manager, language, order, sale
):
    """A charge's document reads in the reader's language, never as its stored code
    ("order A-00007")."""
    for kind, doc_type, number, pk in [
        (LedgerEntry.Kind.ORDER_CHARGE, "order", "A-00007", 7),
        (LedgerEntry.Kind.SALE_CHARGE, "sale", "S-00003", 3),
    ]:
        services.document_charge(
            actor=manager,
            client=ana,
            amount="10.00",
            kind=kind,
            document=services.DocumentRef(type=doc_type, id=pk, number=number, client_id=ana.pk),
        )
    _, header, rows = read_sheet(api.get(export_url(ana.pk), HTTP_ACCEPT_LANGUAGE=language))
    source = list(columns(header).values())[-1]
    assert [row[source].value for row in rows] == [sale, order]
