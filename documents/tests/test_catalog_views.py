"""The catalog pages as an employee uses them: lists with live search, create and edit."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test.html import Element, parse_html

from accounts.models import Role
from documents.models import Product, Service

from .factories import ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BIG = "x" * 10_000


# --- reading pages --------------------------------------------------------------------------


def _walk(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def _attrs(element: Element) -> dict:
    return dict(element.attributes)


def _text(node) -> str:
    if isinstance(node, str):
        return " ".join(node.replace("\xa0", " ").split())
    return " ".join(" ".join(_text(child) for child in node.children).split())


def dom(response) -> Element:
    return parse_html(response.content.decode())


def find_all(root: Element, *, name=None, **attrs) -> list[Element]:
    found = []
    for element in _walk(root):
        if name and element.name != name:
            continue
        values = _attrs(element)
        if any(values.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
            continue
        found.append(element)
    return found


def find(root: Element, **query) -> Element:
    found = find_all(root, **query)
    assert found, f"nothing matches {query!r} on the page"
    return found[0]


def table_rows(response) -> list[list[str]]:
    body = find(dom(response), name="tbody")
    rows = [r for r in body.children if isinstance(r, Element) and r.name == "tr"]
    return [[_text(c) for c in r.children if isinstance(c, Element)] for r in rows]


def row_titles(response, column: int = 0) -> list[str]:
    return [row[column] for row in table_rows(response)]


def links(response) -> list[str]:
    return [_attrs(a).get("href") for a in find_all(dom(response), name="a")]


def field_errors(response, name: str) -> list[str]:
    block = find(dom(response), id=f"field-{name}")
    return [_text(p) for p in find_all(block, name="p") if "error" in _attrs(p).get("class", "")]


def messages_shown(response) -> list[str]:
    return [
        _text(m)
        for m in _walk(dom(response))
        if "message" in (_attrs(m).get("class") or "").split()
    ]


def nav_labels(response) -> list[str]:
    return [_text(a) for a in find_all(find(dom(response), name="nav"), name="a")]


# --- data -----------------------------------------------------------------------------------


def role_employee(make_employee, name, permissions, **fields):
    role = Role.objects.create(name=name, permissions=permissions)
    return make_employee(role=role, **fields)


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def reader(client, make_employee):
    """A custom role that reads only its own documents: it may read the catalog, not edit it."""
    employee = role_employee(
        make_employee, "Reader", ["clients.view", "documents.view_own"], login="reader"
    )
    client.force_login(employee)
    return client


@pytest.fixture
def outsider(client, make_employee):
    """A custom role without any documents permission."""
    employee = role_employee(make_employee, "Front desk", ["clients.view"], login="desk")
    client.force_login(employee)
    return client


def snapshot():
    """Everything a refused request must leave as it was."""
    return {
        "services": sorted(
            Service.objects.values_list("id", "title", "price", "warranty_days", "active")
        ),
        "products": sorted(
            Product.objects.values_list("id", "sku", "title", "price", "cost", "active")
        ),
    }


SERVICE_FORM = {"title": "Screen replacement", "price": "180.00", "warranty_days": "90"}
PRODUCT_FORM = {"sku": "TL-11", "title": "Screen iPhone 11", "price": "300.00", "cost": "120.00"}


# --- sign-in and permissions ----------------------------------------------------------------

PAGES = [
    "/catalog/services/",
    "/catalog/services/new/",
    "/catalog/services/{service}/edit/",
    "/catalog/products/",
    "/catalog/products/new/",
    "/catalog/products/{product}/edit/",
]
EDIT_PAGES = [p for p in PAGES if p.endswith(("new/", "edit/"))]


@pytest.fixture
def items():
    return {"service": ServiceFactory(title="Diagnosis"), "product": ProductFactory(sku="P-1")}


@pytest.mark.parametrize("template", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, items, template):
    response = client.get(template.format(service=items["service"].pk, product=items["product"].pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("template", EDIT_PAGES)
def test_anonymous_posts_change_nothing(client, items, template):
    before = snapshot()
    path = template.format(service=items["service"].pk, product=items["product"].pk)
    response = client.post(path, {**SERVICE_FORM, **PRODUCT_FORM, "sku": "NEW"})
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("template", PAGES)
def test_a_role_without_documents_permissions_gets_403(outsider, items, template):
    path = template.format(service=items["service"].pk, product=items["product"].pk)
    assert outsider.get(path).status_code == 403
    before = snapshot()
    if template in EDIT_PAGES:
        response = outsider.post(path, {**SERVICE_FORM, **PRODUCT_FORM, "sku": "NEW"})
        assert response.status_code == 403
    assert snapshot() == before


def test_the_catalog_link_is_shown_to_whoever_may_read_it(
    client, manager, specialist, make_employee
):
    reader = role_employee(make_employee, "Reader", ["documents.view_all"], login="reader")
    outsider = role_employee(make_employee, "Desk", ["clients.view"], login="desk")
    closer = role_employee(
        make_employee, "Closer", ["clients.view", "documents.close"], login="closer"
    )
    for employee, shown in [
        (manager, True),
        (specialist, True),
        (reader, True),
        (outsider, False),
        (closer, False),
    ]:
        client.force_login(employee)
        page = client.get("/catalog/services/" if shown else "/clients/")
        assert page.status_code == 200
        assert ("Catalog" in nav_labels(page)) is shown, employee.login
        if shown:
            assert "/catalog/services/" in links(page)


@pytest.mark.parametrize("template", EDIT_PAGES)
def test_a_reader_sees_the_catalog_but_cannot_change_it(reader, items, template):
    services_page = reader.get("/catalog/services/")
    assert services_page.status_code == 200
    assert row_titles(services_page) == ["Diagnosis"]
    assert "/catalog/services/new/" not in links(services_page)
    assert f"/catalog/services/{items['service'].pk}/edit/" not in links(services_page)
    products_page = reader.get("/catalog/products/")
    assert row_titles(products_page) == ["P-1"]
    assert "/catalog/products/new/" not in links(products_page)
    path = template.format(service=items["service"].pk, product=items["product"].pk)
    before = snapshot()
    assert reader.get(path).status_code == 403
    assert reader.post(path, {**SERVICE_FORM, **PRODUCT_FORM}).status_code == 403
    assert snapshot() == before


def test_a_specialist_may_edit_the_catalog(client, specialist):
    client.force_login(specialist)
    page = client.get("/catalog/services/")
    assert "/catalog/services/new/" in links(page)
    response = client.post("/catalog/services/new/", SERVICE_FORM)
    assert response.status_code == 302
    assert Service.objects.get().title == "Screen replacement"
    response = client.post("/catalog/products/new/", PRODUCT_FORM)
    assert response.status_code == 302
    assert Product.objects.get().sku == "TL-11"


def test_the_catalog_address_opens_the_services(signed_in):
    response = signed_in.get("/catalog/")
    assert response.status_code == 302
    assert response["Location"] == "/catalog/services/"


# --- the lists ------------------------------------------------------------------------------


def test_services_are_listed_active_first_then_by_title(signed_in):
    ServiceFactory(title="cleaning", price=Decimal("35"), warranty_days=0)
    ServiceFactory(title="Água no aparelho", price=Decimal("150"), warranty_days=30)
    ServiceFactory(title="Battery swap", price=Decimal("1234.5"), warranty_days=1)
    ServiceFactory(title="Antenna", active=False)
    response = signed_in.get("/catalog/services/")
    assert response.status_code == 200
    assert table_rows(response) == [
        ["Água no aparelho", "R$150.00", "30 days", "Active"],
        ["Battery swap", "R$1,234.50", "1 day", "Active"],
        ["cleaning", "R$35.00", "No warranty", "Active"],
        ["Antenna", "R$100.00", "90 days", "Inactive"],
    ]
    assert "4 services" in _text(dom(response))
    assert _text(find(dom(response), name="h1")) == "Catalog"
    tabs = find(dom(response), id="catalog-tabs")
    assert [(_text(a), _attrs(a).get("aria-current")) for a in find_all(tabs, name="a")] == [
        ("Services", "page"),
        ("Products", None),
    ]


def test_products_show_sku_title_price_cost_and_status(signed_in):
    ProductFactory(sku="Ab-12", title="Tela", price=Decimal("300"), cost=Decimal("120.4"))
    ProductFactory(sku="c-1", title="Cabo", price=Decimal("0"), cost=Decimal("0"), active=False)
    response = signed_in.get("/catalog/products/")
    assert table_rows(response) == [
        ["Ab-12", "Tela", "R$300.00", "R$120.40", "Active"],
        ["c-1", "Cabo", "R$0.00", "R$0.00", "Inactive"],
    ]
    tabs = find(dom(response), id="catalog-tabs")
    assert [_attrs(a).get("aria-current") for a in find_all(tabs, name="a")] == [None, "page"]


def test_a_manager_gets_the_new_buttons_and_edit_links(signed_in):
    service = ServiceFactory(title="Diagnosis")
    product = ProductFactory(title="Cable")
    services_page = signed_in.get("/catalog/services/")
    assert _text(find(dom(services_page), name="a", href="/catalog/services/new/")) == "+ Service"
    assert f"/catalog/services/{service.pk}/edit/" in links(services_page)
    products_page = signed_in.get("/catalog/products/")
    assert _text(find(dom(products_page), name="a", href="/catalog/products/new/")) == "+ Product"
    assert f"/catalog/products/{product.pk}/edit/" in links(products_page)


def test_empty_lists_say_so(signed_in):
    assert table_rows(signed_in.get("/catalog/services/")) == [["No services match."]]
    assert table_rows(signed_in.get("/catalog/products/")) == [["No products match."]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tela", ["Tela iPhone 11", "Tela Moto G"]),
        ("TELA moto", ["Tela Moto G"]),
        ("bateria", ["Bateria"]),
        ("ip11", ["Tela iPhone 11"]),  # part of a SKU
        ("IP11-tl", ["Tela iPhone 11"]),  # the SKU, in another case
        ("bat-", ["Bateria"]),
        ("nothing like it", []),
        ("", ["Bateria", "Tela iPhone 11", "Tela Moto G"]),
    ],
)
def test_products_are_found_by_title_or_sku(signed_in, query, expected):
    ProductFactory(sku="ip11-TL", title="Tela iPhone 11")
    ProductFactory(sku="MG-TL", title="Tela Moto G")
    ProductFactory(sku="BAT-01", title="Bateria")
    response = signed_in.get("/catalog/products/", {"search": query})
    titles = [row[1] for row in table_rows(response)] if expected else []
    assert titles == expected
    if not expected:
        assert table_rows(response) == [["No products match."]]


def test_services_are_found_by_title_without_accents_or_case(signed_in):
    ServiceFactory(title="Troca de tela")
    ServiceFactory(title="Diagnóstico")
    assert row_titles(signed_in.get("/catalog/services/", {"search": "DIAGNOSTICO"})) == [
        "Diagnóstico"
    ]
    assert row_titles(signed_in.get("/catalog/services/", {"search": "diagnóst"})) == [
        "Diagnóstico"
    ]


def test_the_status_filter(signed_in):
    ServiceFactory(title="Current")
    ServiceFactory(title="Retired", active=False)
    assert row_titles(signed_in.get("/catalog/services/", {"active": "true"})) == ["Current"]
    assert row_titles(signed_in.get("/catalog/services/", {"active": "false"})) == ["Retired"]
    page = signed_in.get("/catalog/services/", {"active": "false"})
    options = find_all(find(dom(page), name="select", id="catalog-active"), name="option")
    assert [_text(o) for o in options if "selected" in _attrs(o)] == ["Inactive"]


def test_live_search_answers_htmx_with_the_results_only(signed_in):
    ServiceFactory(title="Troca de tela")
    ServiceFactory(title="Limpeza")
    page = signed_in.get("/catalog/services/")
    form = find(dom(page), name="form", hx_get="/catalog/services/")
    assert _attrs(form)["hx-target"] == "#catalog-results"
    assert _attrs(find(form, name="input", name_="search"))["placeholder"] == "Title"
    products = find(dom(signed_in.get("/catalog/products/")), name="input", name_="search")
    assert _attrs(products)["placeholder"] == "Title or SKU"
    response = signed_in.get("/catalog/services/", {"search": "tela"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert row_titles(response) == ["Troca de tela"]


def test_a_search_too_long_to_be_a_search_lists_everything(signed_in):
    ServiceFactory(title="Limpeza")
    response = signed_in.get("/catalog/services/", {"search": BIG})
    assert response.status_code == 200
    assert row_titles(response) == ["Limpeza"]


def test_lists_are_paginated_25_a_page_and_keep_the_search(signed_in):
    for n in range(30):
        ServiceFactory(title=f"Repair {n:02d}")
    ServiceFactory(title="Other")
    first = signed_in.get("/catalog/services/", {"search": "repair"})
    assert len(table_rows(first)) == 25
    assert "30 services" in _text(dom(first))
    assert "?search=repair&page=2" in links(first)
    second = signed_in.get("/catalog/services/", {"search": "repair", "page": 2}, **HTMX)
    assert row_titles(second) == [f"Repair {n:02d}" for n in range(25, 30)]
    assert signed_in.get("/catalog/services/", {"page": "999"}).status_code == 200


def test_the_lists_in_portuguese(signed_in):
    ServiceFactory(title="Limpeza", price=Decimal("1234.5"), warranty_days=2)
    ProductFactory(sku="X-1", title="Cabo", price=Decimal("10"))
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    services_page = signed_in.get("/catalog/services/")
    assert _text(find(dom(services_page), name="h1")) == "Catálogo"
    assert table_rows(services_page) == [["Limpeza", "R$ 1.234,50", "2 dias", "Ativo"]]
    assert "Catálogo" in nav_labels(services_page)
    tabs = find(dom(services_page), id="catalog-tabs")
    assert [_text(a) for a in find_all(tabs, name="a")] == ["Serviços", "Produtos"]
    products_page = signed_in.get("/catalog/products/")
    assert _text(find(dom(products_page), name="a", href="/catalog/products/new/")) == "+ Produto"


# --- create and edit ------------------------------------------------------------------------


def test_a_manager_creates_a_service(signed_in):
    form = signed_in.get("/catalog/services/new/")
    assert _text(find(dom(form), name="h1")) == "New service"
    assert "checked" in _attrs(find(dom(form), name="input", name_="active"))
    response = signed_in.post(
        "/catalog/services/new/",
        {"title": "  Troca   de tela ", "price": "180.5", "warranty_days": "90", "active": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/catalog/services/"
    service = Service.objects.get()
    assert (service.title, service.price, service.warranty_days, service.active) == (
        "Troca de tela",
        Decimal("180.50"),
        90,
        True,
    )
    page = signed_in.get(response["Location"])
    assert "Service saved." in messages_shown(page)
    assert ["Troca de tela", "R$180.50", "90 days", "Active"] in table_rows(page)


def test_a_manager_edits_a_service(signed_in):
    service = ServiceFactory(title="Diagnosis", price=Decimal("50"), warranty_days=30)
    form = signed_in.get(f"/catalog/services/{service.pk}/edit/")
    assert _text(find(dom(form), name="h1")) == "Diagnosis"
    assert _attrs(find(dom(form), name="input", name_="title"))["value"] == "Diagnosis"
    assert _attrs(find(dom(form), name="input", name_="price"))["value"] == "50.00"
    assert _attrs(find(dom(form), name="input", name_="warranty_days"))["value"] == "30"
    # An unticked checkbox is not sent: the service is deactivated.
    response = signed_in.post(
        f"/catalog/services/{service.pk}/edit/",
        {"title": "Diagnosis", "price": "55", "warranty_days": "0"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.price, service.warranty_days, service.active) == (Decimal("55"), 0, False)


def test_a_manager_creates_and_edits_a_product(signed_in):
    response = signed_in.post("/catalog/products/new/", {**PRODUCT_FORM, "active": "on"})
    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.sku, product.title, product.price, product.cost, product.active) == (
        "TL-11",
        "Screen iPhone 11",
        Decimal("300.00"),
        Decimal("120.00"),
        True,
    )
    assert "Product saved." in messages_shown(signed_in.get(response["Location"]))
    form = signed_in.get(f"/catalog/products/{product.pk}/edit/")
    assert _attrs(find(dom(form), name="input", name_="sku"))["value"] == "TL-11"
    response = signed_in.post(
        f"/catalog/products/{product.pk}/edit/",
        {"sku": "tl-11", "title": "Screen", "price": "310", "cost": "", "active": "on"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.sku, product.title, product.price, product.cost) == (
        "tl-11",
        "Screen",
        Decimal("310"),
        Decimal("0"),
    )


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"title": BIG}, "title", None),
        ({"price": ""}, "price", "This field is required."),
        ({"price": "-1"}, "price", "Ensure this value is greater than or equal to 0."),
        ({"price": "1.001"}, "price", None),
        ({"price": "ten"}, "price", "Enter a number, such as 150.75."),
        ({"price": "1000000000"}, "price", None),
        ({"warranty_days": "-1"}, "warranty_days", None),
        ({"warranty_days": "3651"}, "warranty_days", None),
        ({"warranty_days": "1.5"}, "warranty_days", "Enter a whole number."),
    ],
)
def test_service_form_refuses_bad_input_next_to_the_field(signed_in, data, field, error):
    service = ServiceFactory(title="Kept")
    before = snapshot()
    for path in ("/catalog/services/new/", f"/catalog/services/{service.pk}/edit/"):
        response = signed_in.post(path, {**SERVICE_FORM, **data})
        assert response.status_code == 200
        errors = field_errors(response, field)
        assert errors == [error] if error else len(errors) == 1, errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"sku": ""}, "sku", "This field is required."),
        ({"sku": BIG}, "sku", None),
        ({"sku": "taken-1"}, "sku", "A product with this SKU already exists."),
        ({"sku": "TAKEN-1"}, "sku", "A product with this SKU already exists."),
        ({"title": BIG}, "title", None),
        ({"price": "-0.01"}, "price", "Ensure this value is greater than or equal to 0."),
        ({"cost": "-5"}, "cost", "Ensure this value is greater than or equal to 0."),
        ({"cost": "0.001"}, "cost", None),
    ],
)
def test_product_form_refuses_bad_input_next_to_the_field(signed_in, data, field, error):
    ProductFactory(sku="Taken-1")
    product = ProductFactory(sku="MINE", title="Kept")
    before = snapshot()
    for path in ("/catalog/products/new/", f"/catalog/products/{product.pk}/edit/"):
        response = signed_in.post(path, {**PRODUCT_FORM, **data})
        assert response.status_code == 200
        errors = field_errors(response, field)
        assert errors == [error] if error else len(errors) == 1, errors
        # What was typed is kept.
        if field != "sku" or data[field] != BIG:
            value = _attrs(find(dom(response), name="input", name_=field)).get("value")
            assert value == data[field] or (value is None and data[field] == "")
    assert snapshot() == before
    page = signed_in.get(f"/catalog/products/{product.pk}/edit/")
    assert _text(find(dom(page), name="h1")) == "Kept"


def test_unknown_items_are_404(signed_in):
    assert signed_in.get("/catalog/services/999999/edit/").status_code == 404
    assert signed_in.get("/catalog/products/999999/edit/").status_code == 404
    assert signed_in.post("/catalog/products/999999/edit/", PRODUCT_FORM).status_code == 404
    assert not Product.objects.exists()


def test_lists_refuse_posts(signed_in):
    assert signed_in.post("/catalog/services/", SERVICE_FORM).status_code == 405
    assert not Service.objects.exists()
