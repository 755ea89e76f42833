from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from documents import orders, sales
from ledger.models import Cashbox


@pytest.mark.django_db
def body_lines() -> list[dict]:
    return [{"kind": "text", "title": "Labour", "price": Decimal("50.00")}]


def test_paying_a_sale_more_than_is_due_is_refused_and_a_closed_order_cannot_be_prepaid(
    manager, api_as
):
    client = ClientFactory()
    till = Cashbox.objects.create(title="T", kind="cash")
    sale = sales.sale_create(
        actor=manager,
        client=client,
        items=[{"kind": "text", "title": "Part", "price": "40"}],
        settlement="balance",
    )
    api = api_as(manager)
    body = {
        "kind": "advance",
        "client": client.pk,
        "cashbox": till.pk,
        "amount": "30.00",
        "sale": sale.pk,
    }
    assert api.post("/api/v1/payments/", body, format="json").status_code == 201
    refused = api.post("/api/v1/payments/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert "left to pay" in str(refused.json())
    sale.refresh_from_db()
    assert sale.paid == Decimal("30.00")
    order = orders.order_create(actor=manager, client=client, items=body_lines())
    orders.order_close(actor=manager, order=order, settlement="balance")
    refused = api.post(
        "/api/v1/payments/",
        {k: v for k, v in {**body, "order": order.pk}.items() if k != "sale"},
        format="json",
    )
    assert refused.status_code == 400, refused.content
