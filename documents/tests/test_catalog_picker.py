"""The catalog picker of order, estimate and sale lines: typing finds among thousands of
services and products, a few at a time, in a fixed number of queries, for whoever may build
documents; the dialogs no longer carry the whole catalog; choosing fills the line."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from clients.tests.factories import ClientFactory
from core.text import fold
from documents import orders
from documents.models import Product, Service
from documents.selectors import PICK_LIMIT

pytestmark = pytest.mark.django_db

D = Decimal
HX = {"HTTP_HX_REQUEST": "true"}
PICK = reverse("documents:catalog_pick")


def add_catalog(count: int, *, start: int = 0) -> None:
    """``count`` services and as many products, written in bulk (search text as save() makes it)."""
    services, products = [], []
    for i in range(start, start + count):
        title = f"Troca de tela modelo {i:05d}"
        services.append(Service(title=title, price=D("100.00"), search_text=fold(title)))
        ptitle = f"Tela avulsa {i:05d}"
        sku = f"TL-{i:05d}"
        products.append(
            Product(title=ptitle, sku=sku, price=D("50.00"), search_text=fold(f"{ptitle} {sku}"))
        )
    Service.objects.bulk_create(services)
    Product.objects.bulk_create(products)


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def found(response) -> list[str]:
    import re

    return re.findall(r'data-catalog-choice="([^"]+)"', response.content.decode())


def test_typing_finds_the_item_among_thousands(signed_in):
    add_catalog(1_500)  # 3,000 items
    target = Product.objects.get(sku="TL-01234")
    response = signed_in.get(PICK, {"q": "tela 01234"}, **HX)
    assert response.status_code == 200
    values = found(response)
    assert f"product:{target.pk}" in values and values[-1] == "text"  # free text is offered
    assert len(values) == 3  # the service and the product numbered 01234, and free text
    assert "R$50.00" in response.content.decode()


def test_a_broad_query_shows_a_few_and_says_there_are_more(signed_in):
    add_catalog(1_500)
    response = signed_in.get(PICK, {"q": "tela"}, **HX)
    assert len(found(response)) == PICK_LIMIT + 1
    assert "type more to narrow" in response.content.decode()
    assert found(signed_in.get(PICK, {"q": "   "}, **HX)) == []


def test_inactive_items_are_not_offered(signed_in):
    Service.objects.create(title="Old repair", price=D("10"), active=False)
    kept = Service.objects.create(title="Old battery", price=D("10"))
    assert found(signed_in.get(PICK, {"q": "old"}, **HX)) == [f"service:{kept.pk}", "text"]


def queries_for(http, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(PICK, {"q": query}, **HX).status_code == 200
    return len(captured)


def test_the_search_costs_the_same_queries_for_30_or_3000_items(signed_in):
    add_catalog(15)
    small = queries_for(signed_in, "tela")
    add_catalog(1_485, start=15)
    assert queries_for(signed_in, "tela") == small <= 6


def test_the_sale_dialog_no_longer_reads_the_whole_catalog(signed_in):
    buyer = ClientFactory()
    url = reverse("documents:sale_create", args=[buyer.pk])
    add_catalog(5)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(url, **HX)
    add_catalog(1_495, start=5)
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(url, **HX)
    assert len(many) == len(few)
    assert "Troca de tela modelo 01000" not in response.content.decode()
    assert "data-catalog-picker" in response.content.decode()


def test_only_who_may_build_documents_may_search(client, make_employee):
    add_catalog(3)
    assert client.get(PICK, {"q": "tela"}).status_code == 302  # to sign in
    reader = make_employee(
        role=Role.objects.create(name="Reader", permissions=["clients.view", "documents.view_all"])
    )
    client.force_login(reader)
    assert client.get(PICK, {"q": "tela"}, **HX).status_code == 403


def test_choosing_fills_the_line_with_the_catalog_price(signed_in, manager):
    add_catalog(1_500)
    service = Service.objects.get(title="Troca de tela modelo 00777")
    order = orders.order_create(actor=manager, client=ClientFactory())
    url = reverse("documents:order_item_add", args=[order.pk])
    value = f"service:{service.pk}"
    assert value in found(signed_in.get(PICK, {"q": "modelo 00777"}, **HX))
    response = signed_in.post(
        url,
        {"item": value, "q": "Troca de tela", "quantity": "1", "discount_kind": "percent"},
        **HX,
    )
    assert response.status_code == 200
    line = order.items.get()
    assert (line.service, line.title, line.price) == (service, service.title, D("100.00"))


def test_a_line_refused_for_another_reason_keeps_the_chosen_item(signed_in, manager):
    service = Service.objects.create(title="Diagnóstico", price=D("80"))
    order = orders.order_create(actor=manager, client=ClientFactory())
    url = reverse("documents:order_item_add", args=[order.pk])
    response = signed_in.post(
        url, {"item": f"service:{service.pk}", "quantity": "-1", "discount_kind": "percent"}, **HX
    )
    text = response.content.decode()
    assert f'value="service:{service.pk}"' in text and 'value="Diagnóstico — R$80.00"' in text
    assert not order.items.exists()
