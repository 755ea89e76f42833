"""Which entries the Balance tab reverses, and how a reversal points at what it reverses."""

import re
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import LedgerEntry
from ledger.services import DocumentRef, MoneyError
from ledger.views import PAGE_SIZE

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def carla(db):
    return ClientFactory(first_name="Carla", last_name="Dias")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_an_entry_of_an_unknown_document_type_is_refused_all_the_same(manager, carla):
    """Without a hint registered for its type, the refusal still names the document."""
    charge = services.document_charge(
        actor=manager,
        client=carla,
        amount=Decimal("12.00"),
        kind=LedgerEntry.Kind.ORDER_CHARGE,
        document=DocumentRef(type="widget", id=7, number="W-7", client_id=carla.pk),
    )
    with pytest.raises(MoneyError) as refusal:
        services.entry_reverse(actor=manager, entry=charge, reason="Mistake")
    assert refusal.value.messages == [
        "This entry belongs to document W-7: undo it from the document."
    ]
    assert not LedgerEntry.objects.filter(reverses=charge).exists()


def test_a_document_undoes_only_its_own_entries(manager, carla):
    ref = DocumentRef(type="widget", id=7, number="W-7", client_id=carla.pk)
    charge = services.document_charge(
        actor=manager,
        client=carla,
        amount=Decimal("12.00"),
        kind=LedgerEntry.Kind.ORDER_CHARGE,
        document=ref,
    )
    other = DocumentRef(type="widget", id=8, number="W-8", client_id=carla.pk)
    with pytest.raises(ValueError):
        services.document_entry_reverse(actor=manager, entry=charge, document=other, reason="x")
    reversal = services.document_entry_reverse(
        actor=manager, entry=charge, document=ref, reason="Reopened"
    )
    assert reversal.reverses_id == charge.pk and reversal.amount == Decimal("-12.00")


def _links(page: str) -> dict[str, str]:
    """Each reversal row's "Reversal of #N" link: N → href."""
    return {
        number: href.replace("&amp;", "&")
        for href, number in re.findall(r'<a href="([^"]+)">Reversal of #(\d+)</a>', page)
    }


def test_reversal_of_links_to_the_entry_on_its_own_page(signed_in, manager, carla):
    oldest = services.balance_correct(actor=manager, client=carla, amount=1, reason="First")
    for n in range(PAGE_SIZE + 3):
        services.balance_correct(actor=manager, client=carla, amount=1, reason=f"Fee {n}")
    recent = services.balance_correct(actor=manager, client=carla, amount=1, reason="Last")
    services.entry_reverse(actor=manager, entry=oldest, reason="Not owed")
    services.entry_reverse(actor=manager, entry=recent, reason="Typo")

    tab = f"/clients/{carla.pk}/balance/"
    first = signed_in.get(tab, **HX).content.decode()
    links = _links(first)
    # The newest entry is on this page: its anchor; the oldest is pages away: its page too.
    assert links[str(recent.pk)] == f"#entry-{recent.pk}"
    newer = LedgerEntry.objects.filter(client=carla, pk__gt=oldest.pk).count()
    page = newer // PAGE_SIZE + 1
    assert page == 2
    assert links[str(oldest.pk)] == f"{tab}?page={page}#entry-{oldest.pk}"
    target = signed_in.get(f"{tab}?page={page}", **HX).content.decode()
    assert f'<tr id="entry-{oldest.pk}">' in target
