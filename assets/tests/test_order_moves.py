"""A work order's status change moves the order's asset as settings say, inside the order's
own transaction: In progress → the assignee's warehouse, Closed → back to the client.

Decision for a written-off asset: the move is skipped and the order's status still changes
(an order is never blocked by its asset; the asset stays where it was written off)."""

import pytest

from assets import services
from assets.models import Asset, OrderAsset, StatusMove, Transfer, Warehouse
from clients.tests.factories import ClientFactory
from documents import hooks, orders
from documents.models import Order, OrderStatus

pytestmark = pytest.mark.django_db

# An order is closed only with something on it (documents.orders.order_close).
LINES = [{"kind": "text", "title": "Labour", "price": "10.00"}]


@pytest.fixture
def statuses(db):
    return {group: OrderStatus.objects.filter(group=group).first() for group in OrderStatus.Group}


@pytest.fixture
def rules(statuses, manager, places):
    """In progress → assignee, Done → Ready for pick-up, Closed → client (set explicitly:
    the data migration's defaults are not what these tests rely on)."""
    save = services.status_move_save
    save(actor=manager, status=statuses["in_progress"], target="assignee")
    save(actor=manager, status=statuses["done"], target="warehouse", warehouse=places["ready"])
    save(actor=manager, status=statuses["closed"], target="client")
    save(actor=manager, status=statuses["new"], target="none")


@pytest.fixture
def ana():
    return ClientFactory(first_name="Ana")


@pytest.fixture
def phone(ana, manager):
    return services.asset_create(actor=manager, serial="IMEI-9", name="Moto G84", owner=ana)


@pytest.fixture
def order(ana, phone, manager, specialist, rules):
    order = orders.order_create(actor=manager, items=LINES, client=ana, assignee=specialist)
    services.order_asset_link(actor=manager, order=order, asset=phone)
    return order


def where(asset) -> str:
    return Asset.objects.select_related("warehouse").get(pk=asset.pk).warehouse.name


def moves(asset) -> list[tuple]:
    return list(
        Transfer.objects.filter(asset=asset, order__isnull=False)
        .order_by("id")
        .values_list("to_warehouse__name", "order__number")
    )


def test_in_progress_goes_to_the_assignee_and_closed_back_to_the_client(
    order, phone, statuses, manager, specialist
):
    assert where(phone) == "At client"  # New moves nothing
    orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    assert where(phone) == specialist.full_name
    warehouse = Warehouse.objects.get(employee=specialist)
    assert warehouse.kind == "employee"

    orders.order_status_set(actor=manager, order=order, status=statuses["done"])
    assert where(phone) == "Ready for pick-up"

    orders.order_close(actor=manager, order=order, settlement="balance")
    assert where(phone) == "At client"
    assert moves(phone) == [
        (specialist.full_name, order.number),
        ("Ready for pick-up", order.number),
        ("At client", order.number),
    ]
    assert set(Transfer.objects.filter(order=order).values_list("employee", flat=True)) == {
        manager.pk
    }


def test_reopening_moves_it_again_and_each_move_is_a_new_transfer(
    order, phone, statuses, manager, specialist
):
    orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    orders.order_close(actor=manager, order=order, settlement="balance")
    orders.order_reopen(actor=manager, order=order, comment="Still broken")
    assert where(phone) == specialist.full_name
    assert [m[0] for m in moves(phone)] == [specialist.full_name, "At client", specialist.full_name]


def test_nothing_moves_without_a_rule_an_assignee_or_a_change(ana, phone, statuses, manager, rules):
    order = orders.order_create(actor=manager, items=LINES, client=ana)  # no assignee
    services.order_asset_link(actor=manager, order=order, asset=phone)
    orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    orders.order_status_set(actor=manager, order=order, status=statuses["pending"])  # no rule
    orders.order_close(actor=manager, order=order, settlement="balance")  # already at client
    assert where(phone) == "At client"
    assert moves(phone) == []


def test_a_written_off_asset_is_left_where_it_is_and_the_order_still_moves(
    order, phone, statuses, manager
):
    services.asset_write_off(actor=manager, asset=phone, reason="Beyond repair")
    orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    orders.order_close(actor=manager, order=order, settlement="balance")
    assert Order.objects.get(pk=order.pk).status.group == "closed"
    assert where(phone) == "At client"
    assert moves(phone) == []


def test_linking_applies_the_current_status(ana, phone, statuses, manager, specialist, rules):
    order = orders.order_create(
        actor=manager, client=ana, assignee=specialist, status=statuses["in_progress"]
    )
    services.order_asset_link(actor=manager, order=order, asset=phone)
    assert where(phone) == specialist.full_name


def test_orders_without_an_asset_are_left_alone(ana, statuses, manager, rules):
    order = orders.order_create(actor=manager, items=LINES, client=ana, assignee=manager)
    orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    assert not Transfer.objects.filter(order=order).exists()
    assert not Warehouse.objects.filter(employee=manager).exists()


def test_the_move_is_part_of_the_status_change(order, phone, statuses, manager):
    """A refusal after the move (here: a later listener) rolls the move back with the
    status change."""

    def refuse(**kwargs):
        raise RuntimeError("refused")

    hooks.register_status_listener(refuse)
    try:
        with pytest.raises(RuntimeError):
            orders.order_status_set(actor=manager, order=order, status=statuses["in_progress"])
    finally:
        hooks._status_listeners.remove(refuse)
    assert Order.objects.get(pk=order.pk).status.group == "new"
    assert where(phone) == "At client"
    assert moves(phone) == []


@pytest.mark.parametrize("case", ["other client", "written off", "finished", "twice"])
def test_a_refused_link_changes_nothing(case, ana, phone, statuses, manager, rules):
    order = orders.order_create(actor=manager, items=LINES, client=ana)
    asset = phone
    if case == "other client":
        asset = services.asset_create(
            actor=manager, serial="OTHER-1", name="Tablet", owner=ClientFactory()
        )
    elif case == "written off":
        services.asset_write_off(actor=manager, asset=phone, reason="Lost")
    elif case == "finished":
        orders.order_close(actor=manager, order=order, settlement="balance")
    elif case == "twice":
        services.order_asset_link(actor=manager, order=order, asset=phone)
    links = list(OrderAsset.objects.values_list("order_id", "asset_id"))
    with pytest.raises(services.AssetError) as refused:
        services.order_asset_link(actor=manager, order=order, asset=asset)
    assert refused.value.messages
    assert list(OrderAsset.objects.values_list("order_id", "asset_id")) == links


def test_new_order_from_the_asset(phone, ana, manager, specialist, rules, statuses):
    order = services.asset_order_create(
        actor=manager, asset=phone, malfunction="No sound", assignee=specialist
    )
    assert (order.client, order.malfunction) == (ana, "No sound")
    assert OrderAsset.objects.get(order=order).asset == phone
    company = services.asset_create(
        actor=manager,
        serial="LOAN-7",
        name="Loaner",
        warehouse=Warehouse.objects.get(name="Pending repair"),
    )
    count = Order.objects.count()
    with pytest.raises(services.AssetError):
        services.asset_order_create(actor=manager, asset=company)
    assert Order.objects.count() == count


def test_the_data_migration_moves_in_progress_to_the_assignee_and_closed_to_the_client(
    statuses,
):
    assert StatusMove.objects.get(status=statuses["in_progress"]).target == "assignee"
    assert StatusMove.objects.get(status=statuses["closed"]).target == "client"
