"""The lead services: creating (for a client, or a contact's name and phone), editing,
moving between statuses, converting into an order or estimate (matching the client by phone
or creating one) and losing with a reason. A refusal writes nothing."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from clients.models import Client, ClientPhone
from clients.tests.factories import AdCampaignFactory, ClientFactory, ClientPhoneFactory
from documents.models import DocumentSequence, Estimate, Order
from documents.orders import OrderError
from leads import services
from leads.choices import first_status, system_type
from leads.models import Lead, LeadStatus, LeadStatusChange, LeadType
from leads.services import LeadError
from leads.tests.factories import LeadStatusFactory, LostReasonFactory, status_named
from leads.tests.helpers import employee_with, snapshot

pytestmark = pytest.mark.django_db

PHONE = "+5511987654321"


def contact_lead(actor, **fields):
    fields.setdefault("contact_name", "Ana Souza")
    fields.setdefault("contact_phone", "(11) 98765-4321")
    return services.lead_create(actor=actor, **fields)


def refused(call, **kwargs) -> LeadError:
    """``call`` raises LeadError and leaves every table as it was."""
    before = snapshot()
    with pytest.raises(LeadError) as caught:
        call(**kwargs)
    assert snapshot() == before
    return caught.value


# --- creating --------------------------------------------------------------------------------


def test_a_lead_for_a_client_is_numbered_opens_new_and_records_its_first_status(manager):
    client = ClientFactory()
    lead = services.lead_create(actor=manager, client=client, description="Screen broken")
    lead.refresh_from_db()
    assert lead.number == "L-000001"
    assert lead.client == client
    assert lead.status == status_named("New") and lead.status.group == "open"
    assert lead.lead_type.system_code == "lead"
    assert lead.manager == manager and lead.created_by == manager
    assert lead.description == "Screen broken"
    history = list(lead.status_changes.values_list("from_status", "to_status", "employee"))
    assert history == [(None, lead.status_id, manager.pk)]
    assert DocumentSequence.objects.get(doc_type="lead").last_value == 1


def test_a_lead_for_a_contact_keeps_the_phone_in_e164_and_numbers_follow(manager):
    first = contact_lead(manager)
    second = contact_lead(manager, contact_phone="+55 11 98765 4321", contact_name="  Ana   S ")
    assert (first.number, second.number) == ("L-000001", "L-000002")
    assert first.client is None
    assert first.contact_phone == second.contact_phone == PHONE
    assert second.contact_name == "Ana S"
    assert second.search_name == "ana s"


def test_every_field_is_kept(manager, specialist):
    source = AdCampaignFactory()
    custom = LeadType.objects.create(name="Walk-in")
    deadline = timezone.now() + timedelta(days=2)
    lead = contact_lead(
        manager,
        lead_type=custom,
        manager=specialist,
        deadline=deadline,
        ad_campaign=source,
        urgent=True,
    )
    lead.refresh_from_db()
    assert (lead.lead_type, lead.manager, lead.ad_campaign, lead.urgent) == (
        custom,
        specialist,
        source,
        True,
    )
    assert lead.deadline == deadline


def test_an_explicit_no_manager_is_kept(manager):
    assert contact_lead(manager, manager=None).manager is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "contact_phone"),
        ({"contact_name": "Ana"}, "contact_phone"),
        ({"contact_name": "Ana", "contact_phone": "12"}, "contact_phone"),
        ({"contact_name": "Ana", "contact_phone": "x" * 50}, "contact_phone"),
        ({"contact_name": "A" * 201, "contact_phone": PHONE}, "contact_name"),
        ({"contact_phone": PHONE, "description": "x" * 5001}, "description"),
        ({"contact_phone": PHONE, "urgent": "yes"}, "urgent"),
        ({"contact_phone": PHONE, "deadline": "2030-01-01"}, "deadline"),
        ({"contact_phone": PHONE, "deadline": datetime(2030, 1, 1)}, "deadline"),
        ({"contact_phone": PHONE, "lead_type": None}, "lead_type"),
        ({"contact_phone": PHONE, "contact_name": 5}, "contact_name"),
        ({"contact_phone": 5511987654321}, "contact_phone"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(manager, fields, field):
    error = refused(services.lead_create, actor=manager, **fields)
    assert field in error.message_dict


def test_inactive_choices_and_employees_are_refused(manager, make_employee):
    gone = make_employee("manager", is_active=False)
    old_type = LeadType.objects.create(name="Old", active=False)
    old_source = AdCampaignFactory(active=False)
    closed = LeadStatusFactory(group="won")
    for fields, field in [
        ({"manager": gone}, "manager"),
        ({"lead_type": old_type}, "lead_type"),
        ({"ad_campaign": old_source}, "ad_campaign"),
    ]:
        error = refused(contact_lead, actor=manager, **fields)
        assert field in error.message_dict
    error = refused(contact_lead, actor=manager, status=closed)
    assert "status" in error.message_dict


def test_a_refused_lead_takes_no_number(manager):
    with pytest.raises(LeadError):
        services.lead_create(actor=manager, contact_phone="nope")
    assert contact_lead(manager).number == "L-000001"


# --- editing ---------------------------------------------------------------------------------


def test_update_changes_only_the_given_fields(manager, specialist):
    lead = contact_lead(manager, description="Before")
    services.lead_update(
        actor=manager, lead=lead, contact_name="João Gonçalves", manager=specialist
    )
    lead.refresh_from_db()
    assert lead.contact_name == "João Gonçalves"
    assert lead.search_name == "joao goncalves"
    assert lead.manager == specialist
    assert lead.description == "Before"
    assert lead.contact_phone == PHONE


def test_update_keeps_a_client_or_a_phone(manager):
    lead = contact_lead(manager)
    error = refused(services.lead_update, actor=manager, lead=lead, contact_phone="")
    assert "contact_phone" in error.message_dict
    client = ClientFactory()
    services.lead_update(actor=manager, lead=lead, client=client, contact_phone="")
    lead.refresh_from_db()
    assert (lead.client, lead.contact_phone) == (client, "")


def test_a_lead_keeps_an_entry_that_was_deactivated_since(manager):
    custom = LeadType.objects.create(name="Walk-in")
    lead = contact_lead(manager, lead_type=custom)
    custom.active = False
    custom.save()
    services.lead_update(actor=manager, lead=lead, lead_type=custom, description="still")
    lead.refresh_from_db()
    assert lead.lead_type == custom and lead.description == "still"


def test_a_converted_lead_keeps_its_client(manager):
    lead = services.lead_create(actor=manager, client=ClientFactory())
    services.lead_convert(actor=manager, lead=lead, to="order")
    error = refused(services.lead_update, actor=manager, lead=lead, client=ClientFactory())
    assert "client" in error.message_dict
    services.lead_update(actor=manager, lead=lead, description="Fine", client=lead.client)
    lead.refresh_from_db()
    assert lead.description == "Fine"


def test_unknown_fields_are_a_programming_error(manager):
    with pytest.raises(TypeError):
        services.lead_create(actor=manager, contact_phone=PHONE, colour="red")


# --- converting ------------------------------------------------------------------------------


def test_converting_a_clients_lead_makes_an_order_and_wins_it(manager):
    client = ClientFactory()
    lead = services.lead_create(actor=manager, client=client, description="Broken screen")
    order = services.lead_convert(actor=manager, lead=lead, to="order")
    assert isinstance(order, Order)
    assert order.client == client and order.manager == manager
    assert order.description == "Broken screen"
    assert order.number == "A-000001"
    lead.refresh_from_db()
    assert lead.order == order and lead.estimate is None
    assert lead.status == status_named("Won")
    assert lead.result == order and lead.result_kind == "order"
    last = lead.status_changes.last()
    assert (last.from_status, last.to_status, last.employee) == (
        status_named("New"),
        status_named("Won"),
        manager,
    )
    assert last.comment == order.number


def test_converting_into_an_estimate(manager, specialist):
    lead = services.lead_create(actor=manager, client=ClientFactory(), manager=specialist)
    estimate = services.lead_convert(actor=manager, lead=lead, to="estimate")
    assert isinstance(estimate, Estimate)
    assert estimate.manager == specialist  # the lead's manager keeps it
    lead.refresh_from_db()
    assert lead.estimate == estimate and lead.order is None
    assert lead.status.group == "won"
    assert lead.result_kind == "estimate"


@pytest.mark.parametrize(
    "typed", ["(11) 98765-4321", "11987654321", "+55 11 98765 4321", "0055 11 98765-4321"]
)
def test_converting_a_contact_finds_the_client_by_phone_in_any_format(manager, typed):
    ClientFactory()  # someone else
    known = ClientPhoneFactory(number=PHONE).client
    clients_before = Client.objects.count()
    lead = contact_lead(manager, contact_phone=typed, contact_name="Somebody Else")
    order = services.lead_convert(actor=manager, lead=lead, to="order")
    assert order.client == known
    assert Client.objects.count() == clients_before
    lead.refresh_from_db()
    assert lead.client == known


def test_converting_a_contact_prefers_a_client_not_archived(manager):
    archived = ClientPhoneFactory(number=PHONE, client=ClientFactory(archived=True)).client
    current = ClientPhoneFactory(number=PHONE).client
    assert archived.pk < current.pk
    order = services.lead_convert(actor=manager, lead=contact_lead(manager), to="order")
    assert order.client == current


def test_converting_an_unknown_contact_creates_the_client(manager, specialist):
    source = AdCampaignFactory()
    lead = contact_lead(
        manager, contact_name="Ana Maria Souza", ad_campaign=source, manager=specialist
    )
    estimate = services.lead_convert(actor=manager, lead=lead, to="estimate")
    client = estimate.client
    assert (client.first_name, client.last_name) == ("Ana", "Maria Souza")
    assert client.kind == "person" and client.created_by == manager
    assert client.marketing_source == source and client.manager == specialist
    assert list(client.phones.values_list("number", flat=True)) == [PHONE]
    lead.refresh_from_db()
    assert lead.client == client


def test_converting_twice_is_refused(manager):
    lead = contact_lead(manager)
    order = services.lead_convert(actor=manager, lead=lead, to="order")
    for to in ("order", "estimate"):
        error = refused(services.lead_convert, actor=manager, lead=lead, to=to)
        assert order.number in " ".join(error.messages)
    # A stale copy of the lead (read before converting) is refused the same way.
    stale = Lead.objects.get(pk=lead.pk)
    stale.order_id = None
    refused(services.lead_convert, actor=manager, lead=stale, to="order")
    assert Order.objects.count() == 1


def test_converting_a_lost_lead_is_refused(manager):
    lead = contact_lead(manager)
    services.lead_mark_lost(actor=manager, lead=lead, reason=LostReasonFactory())
    error = refused(services.lead_convert, actor=manager, lead=lead, to="order")
    assert "lost" in " ".join(error.messages)


def test_converting_into_something_else_is_refused(manager):
    lead = contact_lead(manager)
    error = refused(services.lead_convert, actor=manager, lead=lead, to="sale")
    assert "to" in error.message_dict


def test_converting_a_nameless_unknown_contact_asks_for_the_name(manager):
    lead = services.lead_create(actor=manager, contact_phone=PHONE)
    error = refused(services.lead_convert, actor=manager, lead=lead, to="order")
    assert "contact_name" in error.message_dict


def test_creating_the_client_needs_the_right_to_create_clients(manager):
    clerk = employee_with("leads.view_all", "leads.edit", "documents.edit", "clients.view")
    lead = contact_lead(manager)
    refused(services.lead_convert, actor=clerk, lead=lead, to="order")
    ClientPhoneFactory(number=PHONE)  # a client with the phone: nothing to create
    order = services.lead_convert(actor=clerk, lead=lead, to="order")
    assert order.client.phones.get().number == PHONE


def test_an_inactive_lead_manager_does_not_get_the_order(manager, make_employee):
    gone = make_employee("manager")
    lead = contact_lead(manager, manager=gone)
    gone.is_active = False
    gone.save()
    order = services.lead_convert(actor=manager, lead=lead, to="order")
    assert order.manager == manager
    assert order.client.manager is None


def test_a_refused_document_rolls_the_new_client_back(manager, monkeypatch):
    """The document is made after the client: when it is refused, neither stays."""

    def refuse(**kwargs):
        raise OrderError({"status": ["No."]})

    monkeypatch.setattr(services, "order_create", refuse)
    lead = contact_lead(manager)
    error = refused(services.lead_convert, actor=manager, lead=lead, to="order")
    assert error.message_dict == {"status": ["No."]}


# --- status ----------------------------------------------------------------------------------


def test_an_open_lead_moves_among_open_statuses_with_history(manager, specialist):
    lead = contact_lead(manager)
    in_work = status_named("In work")
    services.lead_status_set(actor=specialist, lead=lead, status=in_work, comment="Called back")
    assert lead.status == in_work
    lead.refresh_from_db()
    assert lead.status == in_work
    change = LeadStatusChange.objects.filter(lead=lead).last()
    assert (change.from_status, change.to_status, change.employee, change.comment) == (
        status_named("New"),
        in_work,
        specialist,
        "Called back",
    )


def test_moving_to_the_same_status_writes_nothing(manager):
    lead = contact_lead(manager)
    before = snapshot()
    services.lead_status_set(actor=manager, lead=lead, status=lead.status)
    assert snapshot() == before


def test_winning_is_converting_and_losing_needs_a_reason(manager):
    lead = contact_lead(manager)
    error = refused(services.lead_status_set, actor=manager, lead=lead, status=status_named("Won"))
    assert "Convert" in " ".join(error.messages)
    error = refused(services.lead_status_set, actor=manager, lead=lead, status=status_named("Lost"))
    assert "reason" in " ".join(error.messages)


def test_a_converted_lead_stays_won(manager):
    lead = contact_lead(manager)
    services.lead_convert(actor=manager, lead=lead, to="order")
    refused(services.lead_status_set, actor=manager, lead=lead, status=status_named("In work"))
    other_won = LeadStatusFactory(group="won", name="Won (paid)")
    services.lead_status_set(actor=manager, lead=lead, status=other_won)
    lead.refresh_from_db()
    assert lead.status == other_won and lead.order is not None


def test_inactive_and_bogus_statuses_are_refused(manager):
    lead = contact_lead(manager)
    old = LeadStatusFactory(active=False)
    refused(services.lead_status_set, actor=manager, lead=lead, status=old)
    refused(services.lead_status_set, actor=manager, lead=lead, status="In work")
    refused(services.lead_status_set, actor=manager, lead=lead, status=None)
    error = refused(
        services.lead_status_set,
        actor=manager,
        lead=lead,
        status=status_named("In work"),
        comment="x" * 501,
    )
    assert "comment" in error.message_dict


# --- losing ----------------------------------------------------------------------------------


def test_marking_lost_needs_a_reason(manager):
    lead = contact_lead(manager)
    for reason in (None, "Too expensive", LostReasonFactory(active=False)):
        error = refused(services.lead_mark_lost, actor=manager, lead=lead, reason=reason)
        assert "reason" in error.message_dict


def test_a_lost_lead_keeps_its_reason_and_history(manager):
    lead = contact_lead(manager)
    reason = LostReasonFactory(name="Too far away")
    services.lead_mark_lost(actor=manager, lead=lead, reason=reason, comment="Lives in Recife")
    lead.refresh_from_db()
    assert lead.status == status_named("Lost")
    assert lead.lost_reason == reason and lead.result == reason and lead.result_kind == "lost"
    change = lead.status_changes.last()
    assert (change.to_status, change.comment) == (status_named("Lost"), "Lives in Recife")


def test_a_lost_lead_moves_to_another_lost_status_or_is_reopened(manager):
    lead = contact_lead(manager)
    reason = LostReasonFactory()
    spam = LeadStatusFactory(group="lost", name="Spam")
    services.lead_mark_lost(actor=manager, lead=lead, reason=reason, status=spam)
    assert lead.status == spam
    services.lead_status_set(actor=manager, lead=lead, status=status_named("Lost"))
    lead.refresh_from_db()
    assert lead.status == status_named("Lost") and lead.lost_reason == reason
    services.lead_status_set(actor=manager, lead=lead, status=status_named("In work"))
    lead.refresh_from_db()
    assert lead.status == status_named("In work") and lead.lost_reason is None
    assert lead.status_changes.count() == 4


def test_a_converted_lead_cannot_be_lost(manager):
    lead = contact_lead(manager)
    services.lead_convert(actor=manager, lead=lead, to="estimate")
    refused(services.lead_mark_lost, actor=manager, lead=lead, reason=LostReasonFactory())


def test_losing_into_a_status_outside_the_lost_group_is_refused(manager):
    lead = contact_lead(manager)
    error = refused(
        services.lead_mark_lost,
        actor=manager,
        lead=lead,
        reason=LostReasonFactory(),
        status=status_named("In work"),
    )
    assert "status" in error.message_dict


# --- an emptied database ---------------------------------------------------------------------


def test_statuses_and_types_come_back_when_the_database_lost_them(manager):
    LeadStatus.objects.all().delete()
    LeadType.objects.all().delete()
    lead = contact_lead(manager)
    assert lead.status.group == "open"
    assert lead.lead_type.system_code == "lead"
    assert system_type("missed_call").name == "Missed call"
    assert first_status("won").group == "won"
    assert ClientPhone.objects.count() == 0
