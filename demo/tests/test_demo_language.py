"""The demo speaks the installation's language: a pt-BR installation gets a Brazilian shop
(names, addresses, phones, catalog, notes, custom fields), an English one an English shop,
and neither shows a word of the other's."""

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Employee
from assets.models import Asset, AssetGroup
from calls.models import Call
from clients.models import AdCampaign, Client, ClientPhone, CustomField, Tag
from conversations.models import Channel, Message
from demo.seed import content_en, content_pt_br
from documents.models import Estimate, Order, Product, SaleReturn, Service
from leads.models import Lead
from ledger.models import Cashbox, LedgerEntry, Payment
from sms.models import SmsMessage, SmsTemplate

pytestmark = pytest.mark.django_db


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_strings(item) for item in value)) if value else set()
    return set()


def _words_of(content) -> set[str]:
    return set().union(
        *(_strings(getattr(content, field.name)) for field in dataclasses.fields(content))
    )


def _seeded_texts() -> set[str]:
    """Every text the demo wrote that a person reads."""
    texts: set[str] = set()

    def add(queryset, *fields):
        for row in queryset.values_list(*fields):
            texts.update(_strings(list(row)))

    add(Employee.objects.all(), "full_name")
    add(Client.objects.all(), "first_name", "last_name", "name", "address", "tax_id")
    add(ClientPhone.objects.all(), "label")
    add(Tag.objects.all(), "name")
    add(AdCampaign.objects.all(), "name")
    add(CustomField.objects.all(), "label")
    for choices, values in CustomField.objects.values_list("choices", "key"):
        texts.update(_strings(choices))
    for fields in Client.objects.values_list("custom_fields", flat=True):
        texts.update(_strings([value for value in fields.values() if isinstance(value, str)]))
    add(Service.objects.all(), "title")
    add(Product.objects.all(), "title")
    add(Order.objects.all(), "malfunction")
    add(Estimate.objects.all(), "description")
    add(SaleReturn.objects.all(), "reason")
    add(Lead.objects.all(), "contact_name", "description")
    add(Cashbox.objects.all(), "title")
    add(Payment.objects.all(), "note")
    add(LedgerEntry.objects.all(), "comment")
    add(SmsTemplate.objects.all(), "name", "text")
    add(SmsMessage.objects.all(), "text")
    add(Channel.objects.all(), "name")
    add(Message.objects.all(), "text")
    add(AssetGroup.objects.all(), "name")
    add(Asset.objects.all(), "name", "comment")
    return texts


@pytest.mark.parametrize(
    ("language", "own", "other", "country"),
    [
        ("pt-br", content_pt_br.CONTENT, content_en.CONTENT, "+55"),
        ("en", content_en.CONTENT, content_pt_br.CONTENT, "+1"),
    ],
)
def test_the_demo_speaks_the_installation_language(settings, language, own, other, country):
    settings.LANGUAGE_CODE = language
    call_command("seed_demo", stdout=StringIO())

    texts = _seeded_texts()
    foreign = _words_of(other) - _words_of(own)
    assert not texts & foreign, sorted(texts & foreign)
    # The demo's own words are there: the catalog, the faults, the notes, the chat.
    assert {title for title, _price, _days in own.services} <= texts
    assert set(own.malfunctions) & texts
    assert own.prepay_note in texts and own.return_reason in texts
    assert own.contact_field[0] in texts and own.chat_names[0] in texts
    assert Employee.objects.get(login="admin").full_name == own.employees[0][1]
    # Every phone, client's or caller's, is the country's.
    assert all(
        number.startswith(country)
        for number in ClientPhone.objects.values_list("number", flat=True)
    )
    numbers = Call.objects.values_list("from_number", "to_number")
    assert all(a.startswith(country) and b.startswith(country) for a, b in numbers)
