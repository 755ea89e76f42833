"""Built-in names (order and lead statuses, lead types, lost reasons, warehouses, roles) read
in the viewer's language on every page, tab, dialog, select and API answer of the demo,
whatever language the installation wrote them in; a name the shop typed stays as typed."""

import html
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.utils import translation

from accounts.models import Employee, Role
from assets.models import Asset, Warehouse
from clients.models import Client
from documents.models import Order, OrderStatus
from documents.statuses import order_status_save
from leads.models import Lead, LeadStatus, LeadType, LostReason

pytestmark = pytest.mark.django_db

BUILT_IN = (OrderStatus, LeadStatus, LeadType, LostReason, Warehouse)
LANGUAGE_COOKIE = "django_language"


def builtin_names(language: str) -> set[str]:
    """Every built-in name as ``language`` spells it."""
    with translation.override(language):
        names = {
            str(name)
            for model in (OrderStatus, LeadStatus, LostReason, Warehouse)
            for name in model.BUILTIN_NAMES.values()
        }
        names |= {str(label) for _code, label in LeadType.SystemCode.choices}
        names |= {role.label for role in Role.objects.exclude(system_code="")}
    return {str(name) for name in names}


def written_in(language: str) -> None:
    """Store every built-in row's name as an installation in ``language`` wrote it."""
    with translation.override(language):
        for model in BUILT_IN:
            for row in model.objects.exclude(system_code=""):
                model.objects.filter(pk=row.pk).update(name=row.display_name)


def visible_text(page: str) -> str:
    """What a person reads on the page: text, option labels and field values."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    values = " ¦ ".join(re.findall(r'\svalue="([^"]*)"', page))
    return re.sub(r"<[^>]+>", " ¦ ", page) + " ¦ " + values


def shown(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", text) is not None


def demo_paths(browser: BrowserClient) -> list[str]:
    """The demo's pages, tabs, dialogs and settings, and the API lists that name them."""
    order = Order.objects.filter(status__group="in_progress").order_by("pk").first()
    closed = Order.objects.filter(status__group="closed").order_by("pk").first()
    missed = Lead.objects.filter(lead_type__system_code="missed_call").first()
    pending = Asset.objects.filter(warehouse__system_code="pending_repair").first()
    linked = Asset.objects.filter(order_links__isnull=False).order_by("pk").first()
    paths = ["/clients/", "/leads/", "/assets/", "/calls/", "/conversations/"]
    clients = {order.client_id, closed.client_id, missed.client_id, pending.owner_id}
    for client in sorted(c for c in clients if c):
        profile = browser.get(f"/clients/{client}/").content.decode()
        paths.append(f"/clients/{client}/")
        paths += sorted(set(re.findall(rf'href="(/clients/{client}/[a-z-]+/)"', profile)))
    paths += [f"/orders/{order.pk}/", f"/orders/{closed.pk}/"]
    paths += [f"/leads/{lead.pk}/" for lead in Lead.objects.order_by("pk")]
    for asset in filter(None, [pending, linked]):
        page = browser.get(f"/assets/{asset.pk}/").content.decode()
        paths.append(f"/assets/{asset.pk}/")
        paths += sorted(set(re.findall(rf'href="(/assets/{asset.pk}/[a-z-]+/)"', page)))
    settings_page = browser.get("/settings/").content.decode()
    paths.append("/settings/")
    for link in sorted(set(re.findall(r'href="(/settings/[^"]*)"', settings_page))):
        paths.append(link)
        inner = browser.get(link).content.decode()
        paths += sorted(set(re.findall(r'href="(/settings/[^"]*\d+/[^"]*)"', inner)))[:6]
    paths += ["/api/v1/orders/", "/api/v1/leads/", "/api/v1/assets/", "/api/v1/warehouses/"]
    return list(dict.fromkeys(paths))


def shop_notes() -> list[str]:
    """Free text stored once in the installation's language (addresses, a missed call's
    description, faults): the shop's notes, not names the system shows; left out."""
    notes = [
        *Client.objects.values_list("address", flat=True),
        *Lead.objects.values_list("description", flat=True),
        *Order.objects.values_list("malfunction", flat=True),
    ]
    return sorted({note for note in notes if note}, key=len, reverse=True)


def page_texts(browser: BrowserClient, paths: list[str]) -> dict[str, str]:
    notes = shop_notes()
    texts = {}
    for path in paths:
        response = browser.get(path, HTTP_ACCEPT="text/html,application/json")
        assert response.status_code == 200, (path, response.status_code)
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)
        else:
            text = html.unescape(visible_text(body))
        for note in notes:
            text = text.replace(note, " ")
        texts[path] = text
    return texts


def signed_in(language: str) -> BrowserClient:
    browser = BrowserClient()
    browser.cookies[LANGUAGE_COOKIE] = language
    assert browser.login(username="admin", password="admin")
    return browser


def seed(settings, language: str) -> None:
    """The demo of an installation in ``language``: its built-in rows named as that
    installation's data migrations name them, its notes in that language."""
    settings.LANGUAGE_COOKIE_NAME = LANGUAGE_COOKIE
    settings.LANGUAGE_CODE = language
    call_command("seed_demo", stdout=StringIO())
    written_in(language)


@pytest.mark.parametrize(
    ("installed", "viewer"),
    [("en", "pt-br"), ("pt-br", "en"), ("pt-br", "pt-br"), ("en", "en")],
)
def test_built_in_names_read_in_the_viewers_language(settings, installed, viewer):
    seed(settings, installed)
    browser = signed_in(viewer)
    wrong = builtin_names("pt-br" if viewer == "en" else "en") - builtin_names(viewer)
    # "Lead" is Portuguese too.
    assert "Lead" not in wrong
    texts = page_texts(browser, demo_paths(browser))
    assert len(texts) > 40
    found = {(path, name) for path, text in texts.items() for name in wrong if shown(name, text)}
    assert not found, sorted(found)
    # The viewer's own names are there: a status, a lead type, a warehouse.
    everything = " ".join(texts.values())
    with translation.override(viewer):
        expected = [
            OrderStatus.BUILTIN_NAMES["in_progress"],
            LeadType.SystemCode.MISSED_CALL.label,
            Warehouse.BUILTIN_NAMES["pending_repair"],
            Warehouse.BUILTIN_NAMES["at_client"],
        ]
        for name in map(str, expected):
            assert shown(name, everything), name


@pytest.mark.parametrize("installed", ["en", "pt-br"])
def test_a_renamed_built_in_stays_as_typed_in_both_languages(settings, installed):
    seed(settings, installed)
    in_progress = OrderStatus.objects.get(system_code="in_progress")
    order_status_save(
        actor=Employee.objects.get(login="admin"),
        status=in_progress,
        name="Na bancada",
        group=in_progress.group,
        color=in_progress.color,
        position=in_progress.position,
    )
    Warehouse.objects.filter(system_code="pending_repair").update(name="Prateleira B")
    order = Order.objects.filter(status=in_progress).order_by("pk").first()
    for language in ("en", "pt-br"):
        browser = signed_in(language)
        dialog = visible_text(browser.get(f"/orders/{order.pk}/").content.decode())
        assert shown("Na bancada", dialog), language
        statuses = visible_text(browser.get("/settings/order-statuses/").content.decode())
        assert shown("Na bancada", statuses), language
        api = browser.get(f"/api/v1/orders/{order.pk}/").json()
        assert api["status_name"] == "Na bancada"
        warehouses = [w["name"] for w in browser.get("/api/v1/warehouses/").json()["results"]]
        assert "Prateleira B" in warehouses
        with translation.override(language):
            assert str(Warehouse.BUILTIN_NAMES["pending_repair"]) not in warehouses
            # The built-ins left alone still follow the viewer.
            assert str(Warehouse.BUILTIN_NAMES["at_client"]) in warehouses


@pytest.mark.parametrize(
    ("installed", "expected"), [("en", "In progress"), ("pt-br", "Em andamento")]
)
def test_an_sms_names_the_status_in_the_shops_language_whoever_writes_it(
    settings, installed, expected
):
    """The client reads the shop's language, not the language the employee works in."""
    from sms.templating import render

    seed(settings, installed)
    order = Order.objects.filter(status__system_code="in_progress").order_by("pk").first()
    admin = Employee.objects.get(login="admin")
    for employee_language in ("en", "pt-br"):
        with translation.override(employee_language):
            assert render("{last_order_status}", order.client, admin) == expected
