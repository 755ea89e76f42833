"""Document numbers: a gap-free counter per document type, with a prefix (``A-000001``).

``next_number`` takes the next value inside the transaction that creates the document. The
sequence row stays locked until that transaction ends, so two documents created at once queue
for it and never share a number; if the transaction rolls back, so does the counter, and the
next document gets the number the failed one would have had (no gaps). On PostgreSQL the lock
is ``SELECT … FOR UPDATE``; on SQLite, where that does nothing, every transaction starts with
``BEGIN IMMEDIATE`` (see ``config.settings.base``) and so holds the database's write lock
from its first statement, which serialises creators the same way.
"""

from django.db import IntegrityError, transaction

from .models import DocumentSequence

DEFAULT_PREFIXES = {
    DocumentSequence.DocType.ORDER: "A-",
    DocumentSequence.DocType.ESTIMATE: "E-",
    DocumentSequence.DocType.SALE: "S-",
    DocumentSequence.DocType.LEAD: "L-",
}


class NumberingOutsideTransaction(RuntimeError):
    """``next_number`` was called with no transaction open: the number could not be held."""


def _locked_sequence(doc_type: str) -> DocumentSequence:
    sequence = DocumentSequence.objects.select_for_update().filter(doc_type=doc_type).first()
    if sequence is not None:
        return sequence
    # The data migration creates every sequence; a database emptied since (a test flush, a
    # restore of the data alone) must still number documents, starting again at 1.
    try:
        with transaction.atomic():
            DocumentSequence.objects.create(doc_type=doc_type, prefix=DEFAULT_PREFIXES[doc_type])
    except IntegrityError:
        pass  # another transaction created it first; lock theirs
    return DocumentSequence.objects.select_for_update().get(doc_type=doc_type)


def next_number(doc_type: str) -> str:
    """The next number of ``doc_type`` ("order", "estimate", "sale" or "lead"), e.g.
    ``"A-000042"``.

    Call it inside the ``transaction.atomic()`` that saves the document: the number is only
    taken when that transaction commits.
    """
    if doc_type not in DocumentSequence.DocType.values:
        raise ValueError(f"unknown document type: {doc_type!r}")
    if not transaction.get_connection().in_atomic_block:
        raise NumberingOutsideTransaction(
            "next_number() must run inside the transaction that creates the document"
        )
    sequence = _locked_sequence(doc_type)
    value = sequence.last_value + 1
    # Written under the row lock taken above, so no other transaction read last_value since.
    DocumentSequence.objects.filter(pk=sequence.pk).update(last_value=value)
    return sequence.number_for(value)
