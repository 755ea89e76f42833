"""Quantities show with the places they have — ``1``, ``1,5``, ``2,25`` — in the document
lines, the returns and the limits of a return, in both languages (never ``2.000``, or
``1,500`` that a Brazilian reads as fifteen hundred)."""

import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clients.tests.factories import ClientFactory
from core.numbers import format_quantity
from documents import orders, sales
from documents.models import Product, Service
from ledger.models import Cashbox

pytestmark = pytest.mark.django_db

D = Decimal
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1", "1.5", "2.25", "2", "0.001", "1,500.5"]),
        ("pt-br", ["1", "1,5", "2,25", "2", "0,001", "1.500,5"]),
    ],
)
def test_a_quantity_has_the_places_it_has(language, expected):
    values = [D("1.000"), D("1.500"), D("2.250"), D("2"), D("0.001"), D("1500.500")]
    with translation.override(language):
        assert [format_quantity(v) for v in values] == expected


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def buyer():
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


def cells(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', text)]


@pytest.mark.parametrize(
    ("language", "shown"), [("en", ["1.5", "2.25", "3"]), ("pt-br", ["1,5", "2,25", "3"])]
)
def test_order_lines_show_their_quantities(signed_in, manager, buyer, language, shown):
    order = orders.order_create(actor=manager, client=buyer)
    service = Service.objects.create(title="Labour hour", price=D("100.00"))
    for quantity in ("1.5", "2.25", "3"):
        orders.order_item_add(
            actor=manager, order=order, kind="service", service=service, quantity=D(quantity)
        )
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = signed_in.get(reverse("documents:order_detail", args=[order.pk]), **HX).content
    quantities = cells(text.decode())[::4]  # quantity, price, discount, total per line
    assert quantities == shown


@pytest.mark.parametrize(
    ("language", "returned", "left"),
    [("en", "1.5 returned", "0.5"), ("pt-br", "1,5", "0,5")],
)
def test_a_sale_shows_returned_and_returnable_quantities(
    signed_in, manager, buyer, language, returned, left
):
    till = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    cable = Product.objects.create(title="USB-C cable", sku="CAB-1", price=D("30.00"))
    sale = sales.sale_create(
        actor=manager,
        client=buyer,
        items=[{"kind": "product", "product": cable, "quantity": D("2")}],
        settlement="cashbox",
        cashbox=till,
    )
    item = sale.items.get()
    sales.sale_return(actor=manager, sale=sale, lines={item.pk: D("1.5")})
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("documents:sale_detail", args=[sale.pk])
    text = html.unescape(signed_in.get(url, **HX).content.decode())
    assert returned in text
    assert f"× {returned.split()[0]}" in text  # the returns list
    assert f"{left}" in re.search(r'id="id_return-qty_\d+_helptext">([^<]*)<', text).group(1)
    assert "1.500" not in text and "1,500" not in text and "0.500" not in text
    refused = signed_in.post(
        reverse("documents:sale_return", args=[sale.pk]), {f"return-qty_{item.pk}": "1"}, **HX
    )
    assert f"{left} " in html.unescape(refused.content.decode())
    assert "0,500" not in refused.content.decode() and "0.500" not in refused.content.decode()


def test_the_service_says_how_much_is_left_with_its_places(manager, buyer):
    till = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    cable = Product.objects.create(title="USB-C cable", sku="CAB-1", price=D("30.00"))
    sale = sales.sale_create(
        actor=manager,
        client=buyer,
        items=[{"kind": "product", "product": cable, "quantity": D("2")}],
        settlement="cashbox",
        cashbox=till,
    )
    item = sale.items.get()
    with pytest.raises(sales.SaleError) as refused:
        sales.sale_return(actor=manager, sale=sale, lines={item.pk: D("3")})
    assert "at most 2 can still be returned" in str(refused.value)
