"""The Documents tab and the document dialogs, through the pages a browser loads."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import estimates, orders, sales
from documents.models import Estimate, Order, Product, Sale, Service
from ledger.models import Cashbox

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shop(db):
    return {
        "till": Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH),
        "screen": Service.objects.create(title="Screen replacement", price=Decimal("250.00")),
        "cable": Product.objects.create(title="USB-C cable", sku="CAB-1", price=Decimal("30.00")),
    }


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_documents_tab_lists_every_type_newest_first(signed_in, manager, client_, shop):
    order = orders.order_create(actor=manager, client=client_)
    estimate = estimates.estimate_create(actor=manager, client=client_)
    sale = sales.sale_create(
        actor=manager,
        client=client_,
        items=[{"kind": "product", "product": shop["cable"]}],
        settlement="cashbox",
        cashbox=shop["till"],
    )
    response = signed_in.get(reverse("clients:tab", args=[client_.pk, "documents"]))
    assert response.status_code == 200
    html = response.content.decode()
    numbers = re.findall(r'data-document="([^"]+)"', html)
    assert numbers == [sale.number, estimate.number, order.number]
    only_orders = signed_in.get(
        reverse("clients:tab", args=[client_.pk, "documents"]) + "?type=order", **HX
    )
    assert re.findall(r'data-document="([^"]+)"', only_orders.content.decode()) == [order.number]


def test_order_flow_through_the_pages(signed_in, manager, client_, shop):
    create_url = reverse("documents:order_create", args=[client_.pk])
    assert signed_in.get(create_url, **HX).status_code == 200
    response = signed_in.post(create_url, {"malfunction": "Cracked screen"}, **HX)
    assert response.status_code == 200, response.content
    order = Order.objects.get(client=client_)
    assert response.headers["HX-Push-Url"] == f"/orders/{order.pk}/"
    items_url = reverse("documents:order_item_add", args=[order.pk])
    signed_in.post(
        items_url,
        {"item": f"service:{shop['screen'].pk}", "quantity": "1", "discount_kind": "percent"},
        **HX,
    )
    signed_in.post(
        items_url,
        {"item": f"product:{shop['cable'].pk}", "quantity": "2", "discount_kind": "percent"},
        **HX,
    )
    order.refresh_from_db()
    assert order.total == Decimal("310.00")
    response = signed_in.post(
        reverse("documents:order_close", args=[order.pk]), {"close-settlement": "balance"}, **HX
    )
    assert response.status_code == 200
    client_.refresh_from_db()
    assert client_.balance == Decimal("310.00")
    assert b"profile-head" in response.content  # header refreshed out of band
    full = signed_in.get(f"/orders/{order.pk}/")
    assert full.status_code == 200
    assert b'id="document-dialog"' in full.content and b"profile-tabs" in full.content


def test_estimate_convert_and_sale_pages(signed_in, manager, client_, shop):
    response = signed_in.post(reverse("documents:estimate_create", args=[client_.pk]), {}, **HX)
    assert response.status_code == 200
    estimate = Estimate.objects.get()
    signed_in.post(
        reverse("documents:estimate_item_add", args=[estimate.pk]),
        {"item": f"service:{shop['screen'].pk}", "quantity": "1", "discount_kind": "percent"},
        **HX,
    )
    response = signed_in.post(reverse("documents:estimate_convert", args=[estimate.pk]), **HX)
    assert response.status_code == 200
    order = Order.objects.get()
    assert order.total == Decimal("250.00")
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-item": f"product:{shop['cable'].pk}",
        "lines-0-quantity": "3",
        "lines-0-discount_kind": "percent",
        "sale-settlement": "cashbox",
        "sale-cashbox": shop["till"].pk,
    }
    response = signed_in.post(reverse("documents:sale_create", args=[client_.pk]), data, **HX)
    assert response.status_code == 200, response.content
    sale = Sale.objects.get()
    assert sale.total == Decimal("90.00")
    client_.refresh_from_db()
    assert client_.balance == 0
    item = sale.items.get()
    response = signed_in.post(
        reverse("documents:sale_return", args=[sale.pk]),
        {f"return-qty_{item.pk}": "1", "return-pay_back": "on", "return-cashbox": shop["till"].pk},
        **HX,
    )
    assert response.status_code == 200
    sale.refresh_from_db()
    assert sale.returned == Decimal("30.00")


def test_a_line_is_edited_in_the_dialog(signed_in, manager, client_, shop):
    order = orders.order_create(
        actor=manager, client=client_, items=[{"kind": "service", "service": shop["screen"]}]
    )
    item = order.items.get()
    edit_url = reverse("documents:order_item_edit", args=[order.pk, item.pk])
    opened = signed_in.get(edit_url, **HX).content.decode()
    assert 'name="line-edit-quantity"' in opened and "Screen replacement" in opened
    data = {
        "line-edit-title": "Screen replacement (OLED)",
        "line-edit-quantity": "1",
        "line-edit-price": "300.00",
        "line-edit-discount": "10",
        "line-edit-discount_kind": "percent",
        "line-edit-warranty_days": "90",
    }
    response = signed_in.post(edit_url, data, **HX)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.total == Decimal("270.00")
    refused = signed_in.post(edit_url, {**data, "line-edit-discount": "101"}, **HX)
    assert "line-edit-form" in refused.content.decode()
    order.refresh_from_db()
    assert order.total == Decimal("270.00")
    estimate = estimates.estimate_create(
        actor=manager, client=client_, items=[{"kind": "product", "product": shop["cable"]}]
    )
    line = estimate.items.get()
    url = reverse("documents:estimate_item_edit", args=[estimate.pk, line.pk])
    signed_in.post(url, {**data, "line-edit-price": "20.00", "line-edit-discount": "0"}, **HX)
    estimate.refresh_from_db()
    assert estimate.total == Decimal("20.00")
