"""Apps that build on documents hear about status changes inside the same transaction."""

from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from documents import hooks, orders
from documents.models import Order, OrderStatus


class Refused(Exception):
    pass


@pytest.fixture
def listener():
    heard = []

    def listen(*, actor, order, from_status, to_status):
        if to_status.name == "Refuse me":
            raise Refused
        heard.append((order.number, from_status and from_status.group, to_status.group))

    hooks.register_status_listener(listen)
    yield heard
    hooks._status_listeners.remove(listen)


@pytest.mark.django_db
def test_listeners_hear_creation_moves_close_and_reopen(manager, listener):
    line = {"kind": "text", "title": "Labour", "price": Decimal("10.00")}
    order = orders.order_create(actor=manager, client=ClientFactory(), items=[line])
    progress = OrderStatus.objects.get(group="in_progress")
    orders.order_status_set(actor=manager, order=order, status=progress)
    orders.order_close(actor=manager, order=order, settlement="balance")
    orders.order_reopen(actor=manager, order=order, comment="Came back")
    assert [(g1, g2) for _n, g1, g2 in listener] == [
        (None, "new"),
        ("new", "in_progress"),
        ("in_progress", "closed"),
        ("closed", "in_progress"),
    ]


@pytest.mark.django_db
def test_a_listener_that_refuses_rolls_the_status_change_back(manager, listener):
    order = orders.order_create(actor=manager, client=ClientFactory())
    refuse = OrderStatus.objects.create(name="Refuse me", group="pending")
    with pytest.raises(Refused):
        orders.order_status_set(actor=manager, order=order, status=refuse)
    assert Order.objects.get(pk=order.pk).status.group == "new"
    assert order.status_changes.count() == 1
