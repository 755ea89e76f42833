"""The client's ledger as a real Excel workbook, written in bounded memory.

XlsxWriter's constant-memory mode flushes each row to a temporary file as it is written, and
the rows come from the database in chunks, so a client with 500,000 entries exports without
holding them in memory. Text that a spreadsheet could read as a formula (starting with
``=``, ``+``, ``-`` or ``@``) is written as a string cell with Excel's quote prefix.
"""

import tempfile
from datetime import datetime

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import currency, places

from .models import LedgerEntry

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(moment: datetime) -> float:
    """A naive datetime as Excel's date serial number (days since 1899-12-30).

    Written with write_number and a date format, it is the same cell write_datetime makes,
    at a fraction of the cost.
    """
    return (moment - EXCEL_EPOCH).total_seconds() / 86400


class SourceLabels:
    """Labels for what caused an entry, translated once per export, not once per row."""

    def __init__(self):
        self.reversal = _("Reversal of entry #%(id)s")
        self.payment = _("Payment #%(id)s")
        self.correction = _("Correction")
        # What the documents call themselves, in the reader's language (not the stored code).
        self.documents = {"order": _("Work order"), "sale": _("Sale")}

    def __call__(self, source_type, source_id, source_number, reverses_id, payment_id) -> str:
        if source_type:
            document = self.documents.get(source_type, source_type)
            return f"{document} {source_number or source_id}"
        if reverses_id:
            return self.reversal % {"id": reverses_id}
        if payment_id:
            return self.payment % {"id": payment_id}
        return self.correction


def write_client_ledger(client, target) -> None:
    """Write ``client``'s ledger (newest first) to ``target``, a path or binary file."""
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "remove_timezone": True},
    )
    sheet = workbook.add_worksheet(_("Balance")[:31])
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#F2F4F7"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    money = workbook.add_format({"num_format": "#,##0." + "0" * places()})
    text = workbook.add_format({})
    quoted = workbook.add_format({"quote_prefix": True})

    def write_text(row: int, col: int, value: str) -> None:
        value = value or ""
        sheet.write_string(row, col, value, quoted if value.startswith(FORMULA_STARTS) else text)

    zone = timezone.get_current_timezone()
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 4, 40)
    sheet.set_column(5, 6, 22)
    sheet.write_string(0, 0, _("Client"), bold)
    write_text(0, 1, client.display_name)
    sheet.write_string(1, 0, _("Exported at"), bold)
    sheet.write_datetime(1, 1, timezone.localtime(timezone.now(), zone).replace(tzinfo=None), when)
    sheet.write_string(2, 0, _("Currency"), bold)
    sheet.write_string(2, 1, currency())
    columns = [
        _("Date and time"),
        _("Kind"),
        _("Amount"),
        _("Balance after"),
        _("Comment"),
        _("Author"),
        _("Source"),
    ]
    for col, title in enumerate(columns):
        sheet.write_string(4, col, title, header)
    kinds = {value: str(label) for value, label in LedgerEntry.Kind.choices}
    rows = (
        LedgerEntry.objects.filter(client=client)
        .order_by("-id")
        .values_list(
            "created_at",
            "kind",
            "amount",
            "balance_after",
            "comment",
            "author__full_name",
            "source_type",
            "source_id",
            "source_number",
            "reverses_id",
            "payment_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    source_label = SourceLabels()
    row = 5
    for created, kind, amount, after, comment, author, *source in rows:
        local: datetime = timezone.localtime(created, zone).replace(tzinfo=None)
        sheet.write_number(row, 0, excel_serial(local), when)
        sheet.write_string(row, 1, kinds.get(kind, kind))
        sheet.write_number(row, 2, float(amount), money)
        sheet.write_number(row, 3, float(after), money)
        write_text(row, 4, comment)
        write_text(row, 5, author or "")
        write_text(row, 6, source_label(*source))
        row += 1
    sheet.freeze_panes(5, 0)
    workbook.close()
