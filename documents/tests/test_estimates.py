"""Estimates through ``documents.estimates``: numbering, lines with the client's discount,
statuses, converting into a work order (once), and that an estimate never touches the
balance. A refused change writes nothing."""

import datetime
from decimal import Decimal

import pytest

from clients.models import Client
from clients.tests.factories import ClientFactory
from documents.estimates import (
    EstimateError,
    estimate_convert,
    estimate_create,
    estimate_item_add,
    estimate_item_remove,
    estimate_item_update,
    estimate_status_set,
    estimate_update,
)
from documents.models import Estimate, EstimateItem, Order, OrderItem, OrderStatus
from documents.orders import first_status, order_create, order_item_update
from documents.totals import DiscountKind, LineKind
from ledger.models import LedgerEntry, Payment

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

D = Decimal
Status = Estimate.Status


@pytest.fixture
def client():
    return ClientFactory(discount_goods=D("10"), discount_services=D("5"))


@pytest.fixture
def catalog():
    return (
        ServiceFactory(title="Screen swap", price=D("200.00"), warranty_days=90),
        ProductFactory(title="Screen", price=D("80.00")),
    )


@pytest.fixture
def estimate(manager, client, catalog):
    service, product = catalog
    return estimate_create(
        actor=manager,
        client=client,
        description="Replace the screen",
        items=[
            {"kind": LineKind.SERVICE, "service": service},
            {"kind": LineKind.PRODUCT, "product": product, "quantity": D("2")},
        ],
    )


def snapshot(estimate: Estimate) -> tuple:
    """Everything a refused change must leave as it was."""
    row = Estimate.objects.get(pk=estimate.pk)
    return (
        row.status,
        row.total,
        row.order_id,
        row.manager_id,
        row.description,
        row.valid_until,
        list(
            EstimateItem.objects.filter(estimate=row).values_list(
                "pk", "title", "quantity", "price", "discount"
            )
        ),
        Order.objects.count(),
        OrderItem.objects.count(),
    )


# --- creating and numbering ------------------------------------------------------------------


def test_estimates_are_numbered_in_their_own_sequence(manager, client):
    first = estimate_create(actor=manager, client=client)
    second = estimate_create(actor=manager, client=client)
    assert (first.number, second.number) == ("E-000001", "E-000002")
    assert first.status == Status.DRAFT
    assert first.manager == manager and first.created_by == manager
    # Estimates do not use up order numbers.
    assert order_create(actor=manager, client=client).number == "A-000001"


def test_a_refused_estimate_does_not_take_a_number(manager, client):
    with pytest.raises(EstimateError):
        estimate_create(
            actor=manager,
            client=client,
            items=[{"kind": LineKind.TEXT, "title": "Labour", "price": D("-1")}],
        )
    assert not Estimate.objects.exists()
    assert estimate_create(actor=manager, client=client).number == "E-000001"


def test_lines_propose_the_clients_personal_discount(estimate, catalog):
    service_line, product_line = EstimateItem.objects.filter(estimate=estimate)
    assert (service_line.title, service_line.discount, service_line.warranty_days) == (
        "Screen swap",
        D("5.00"),
        90,
    )
    assert (product_line.discount, product_line.quantity) == (D("10.00"), D("2.000"))
    # 200 − 5 % = 190; 2 × 80 − 10 % = 144
    assert estimate.total == D("334.00")
    assert Estimate.objects.get(pk=estimate.pk).total == D("334.00")


def test_a_discount_given_on_the_line_replaces_the_proposed_one(manager, client, catalog):
    service, _product = catalog
    estimate = estimate_create(
        actor=manager,
        client=client,
        items=[
            {"kind": LineKind.SERVICE, "service": service, "discount": D("0")},
            {
                "kind": LineKind.TEXT,
                "title": "Cleaning",
                "price": D("30.00"),
                "discount": D("5.00"),
                "discount_kind": DiscountKind.AMOUNT,
            },
        ],
    )
    assert Estimate.objects.get(pk=estimate.pk).total == D("225.00")


def test_an_inactive_catalog_item_cannot_be_added(manager, estimate):
    gone = ServiceFactory(active=False)
    before = snapshot(estimate)
    with pytest.raises(EstimateError) as refused:
        estimate_item_add(actor=manager, estimate=estimate, kind=LineKind.SERVICE, service=gone)
    assert "service" in refused.value.message_dict
    assert snapshot(estimate) == before


# --- editing ---------------------------------------------------------------------------------


def test_lines_are_edited_and_removed_and_the_total_follows(manager, estimate):
    service_line, product_line = EstimateItem.objects.filter(estimate=estimate)
    estimate_item_update(actor=manager, item=product_line, quantity=D("1"), discount=D("0"))
    assert Estimate.objects.get(pk=estimate.pk).total == D("270.00")  # 190 + 80
    estimate_item_remove(actor=manager, item=service_line)
    assert Estimate.objects.get(pk=estimate.pk).total == D("80.00")
    added = estimate_item_add(
        actor=manager, estimate=estimate, kind=LineKind.TEXT, title="Labour", price=D("15.50")
    )
    assert added.position == 3 and added.discount == D("0")
    assert Estimate.objects.get(pk=estimate.pk).total == D("95.50")


def test_a_bad_line_edit_is_refused_and_nothing_changes(manager, estimate):
    line = EstimateItem.objects.filter(estimate=estimate).first()
    before = snapshot(estimate)
    with pytest.raises(EstimateError):
        estimate_item_update(actor=manager, item=line, discount=D("100.01"))
    with pytest.raises(EstimateError):
        estimate_item_update(actor=manager, item=line, quantity=D("0"))
    assert snapshot(estimate) == before


def test_the_estimates_own_fields_change(manager, specialist, estimate):
    until = datetime.date(2030, 1, 31)
    estimate_update(
        actor=manager, estimate=estimate, manager=specialist, description="New", valid_until=until
    )
    row = Estimate.objects.get(pk=estimate.pk)
    assert (row.manager, row.description, row.valid_until) == (specialist, "New", until)


def test_an_inactive_manager_or_a_bad_date_is_refused(manager, make_employee, estimate):
    gone = make_employee("manager", is_active=False)
    before = snapshot(estimate)
    with pytest.raises(EstimateError):
        estimate_update(actor=manager, estimate=estimate, manager=gone)
    with pytest.raises(EstimateError):
        estimate_update(actor=manager, estimate=estimate, valid_until="tomorrow")
    assert snapshot(estimate) == before


# --- statuses --------------------------------------------------------------------------------


def test_statuses_are_set_by_hand_except_converted(manager, estimate):
    for status in (Status.SENT, Status.ACCEPTED, Status.REJECTED, Status.DRAFT):
        estimate_status_set(actor=manager, estimate=estimate, status=status)
        assert Estimate.objects.get(pk=estimate.pk).status == status
    before = snapshot(estimate)
    with pytest.raises(EstimateError, match="Create order"):
        estimate_status_set(actor=manager, estimate=estimate, status=Status.CONVERTED)
    with pytest.raises(EstimateError):
        estimate_status_set(actor=manager, estimate=estimate, status="lost")
    assert snapshot(estimate) == before


def test_a_cancelled_estimate_is_read_only_and_cannot_be_converted(manager, estimate):
    line = EstimateItem.objects.filter(estimate=estimate).first()
    estimate_status_set(actor=manager, estimate=estimate, status=Status.CANCELLED)
    before = snapshot(estimate)
    for change in (
        lambda: estimate_item_add(
            actor=manager, estimate=estimate, kind=LineKind.TEXT, title="X", price=D("1")
        ),
        lambda: estimate_item_update(actor=manager, item=line, quantity=D("3")),
        lambda: estimate_item_remove(actor=manager, item=line),
        lambda: estimate_update(actor=manager, estimate=estimate, description="Changed"),
        lambda: estimate_status_set(actor=manager, estimate=estimate, status=Status.DRAFT),
        lambda: estimate_convert(actor=manager, estimate=estimate),
    ):
        with pytest.raises(EstimateError, match="cancelled"):
            change()
        assert snapshot(estimate) == before


# --- converting ------------------------------------------------------------------------------


def test_converting_copies_the_estimate_into_a_new_order(manager, specialist, client, estimate):
    estimate_update(actor=manager, estimate=estimate, manager=specialist)
    estimate_status_set(actor=manager, estimate=estimate, status=Status.ACCEPTED)
    lines = list(
        EstimateItem.objects.filter(estimate=estimate).values_list(
            "kind",
            "service",
            "product",
            "title",
            "quantity",
            "price",
            "discount",
            "discount_kind",
            "warranty_days",
            "position",
        )
    )

    order = estimate_convert(actor=manager, estimate=estimate)

    row = Order.objects.select_related("status").get(pk=order.pk)
    assert row.number == "A-000001" and row.client == client
    assert row.status.group == OrderStatus.Group.NEW
    assert row.manager == specialist  # the estimate's manager, not the one converting it
    assert row.description == "Replace the screen"
    assert row.total == D("334.00") == Estimate.objects.get(pk=estimate.pk).total
    copied = list(
        OrderItem.objects.filter(order=row).values_list(
            "kind",
            "service",
            "product",
            "title",
            "quantity",
            "price",
            "discount",
            "discount_kind",
            "warranty_days",
            "position",
        )
    )
    assert copied == lines
    converted = Estimate.objects.get(pk=estimate.pk)
    assert (converted.status, converted.order) == (Status.CONVERTED, row)
    assert (estimate.status, estimate.order) == (Status.CONVERTED, order)
    # The estimate's lines stay on the estimate.
    assert EstimateItem.objects.filter(estimate=estimate).count() == 2


def test_an_order_made_from_an_estimate_is_then_edited_on_its_own(manager, estimate):
    order = estimate_convert(actor=manager, estimate=estimate)
    order_item_update(actor=manager, item=order.items.first(), quantity=D("2"))
    assert Order.objects.get(pk=order.pk).total == D("524.00")  # 2 × 190 + 144
    assert Estimate.objects.get(pk=estimate.pk).total == D("334.00")


def test_an_inactive_estimate_manager_gives_the_order_to_whoever_converts(
    manager, make_employee, client
):
    leaver = make_employee("manager")
    estimate = estimate_create(actor=leaver, client=client)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    order = estimate_convert(actor=manager, estimate=estimate)
    assert Order.objects.get(pk=order.pk).manager == manager


def test_converting_into_a_chosen_status(manager, estimate):
    in_progress = first_status(OrderStatus.Group.IN_PROGRESS)
    order = estimate_convert(actor=manager, estimate=estimate, status=in_progress)
    assert Order.objects.get(pk=order.pk).status == in_progress


def test_converting_twice_is_refused_naming_the_order(manager, estimate):
    order = estimate_convert(actor=manager, estimate=estimate)
    before = snapshot(estimate)
    with pytest.raises(EstimateError) as refused:
        estimate_convert(actor=manager, estimate=Estimate.objects.get(pk=estimate.pk))
    assert order.number in refused.value.messages[0]
    assert estimate.number in refused.value.messages[0]
    assert snapshot(estimate) == before
    assert Order.objects.count() == 1
    # Nor is a number used up by the refusal.
    assert order_create(actor=manager, client=estimate.client).number == "A-000002"


def test_a_converted_estimate_is_read_only(manager, estimate):
    line = EstimateItem.objects.filter(estimate=estimate).first()
    estimate_convert(actor=manager, estimate=estimate)
    before = snapshot(estimate)
    for change in (
        lambda: estimate_item_update(actor=manager, item=line, quantity=D("3")),
        lambda: estimate_item_remove(actor=manager, item=line),
        lambda: estimate_update(actor=manager, estimate=estimate, description="Changed"),
        lambda: estimate_status_set(actor=manager, estimate=estimate, status=Status.CANCELLED),
    ):
        with pytest.raises(EstimateError, match="converted"):
            change()
        assert snapshot(estimate) == before


def test_estimates_never_touch_the_balance(manager, client, estimate):
    line = EstimateItem.objects.filter(estimate=estimate).first()
    estimate_item_update(actor=manager, item=line, quantity=D("4"))
    estimate_status_set(actor=manager, estimate=estimate, status=Status.ACCEPTED)
    estimate_convert(actor=manager, estimate=estimate)
    other = estimate_create(actor=manager, client=client)
    estimate_status_set(actor=manager, estimate=other, status=Status.CANCELLED)
    assert not LedgerEntry.objects.exists()
    assert not Payment.objects.exists()
    assert Client.objects.get(pk=client.pk).balance == D("0.00")
