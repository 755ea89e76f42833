"""A Brazilian employee of a shop installed in English reads the built-in names in Portuguese
("Em andamento", "No cliente", "Chamada perdida"), an English one of a shop installed in
Portuguese reads them in English, and a status the shop renamed reads as typed in both, in
a browser."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from assets import services as asset_services
from assets.models import Warehouse
from clients.tests.factories import ClientFactory
from documents import orders
from documents.models import OrderStatus
from documents.statuses import order_status_save
from leads import services as lead_services
from leads.models import LeadStatus, LeadType, LostReason

pytestmark = pytest.mark.slow

BUILT_IN = (OrderStatus, LeadStatus, LeadType, LostReason, Warehouse)


@pytest.fixture(autouse=True)
def builtin_rows(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote and the
    last test's flush removed, built-in codes included."""
    restore_builtin_roles()
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
    import_module("documents.migrations.0010_builtin_codes").tag_builtins(apps, None)
    import_module("assets.migrations.0003_builtin_warehouses").create(apps, None)
    import_module("assets.migrations.0005_builtin_codes").tag_builtins(apps, None)
    import_module("leads.migrations.0002_builtin_lists").create_lists(apps, None)
    import_module("leads.migrations.0004_builtin_codes").tag_builtins(apps, None)


def written_in(language: str) -> None:
    """Name every built-in row as an installation in ``language`` wrote it."""
    with translation.override(language):
        for model in BUILT_IN:
            for row in model.objects.exclude(system_code=""):
                model.objects.filter(pk=row.pk).update(name=row.display_name)


@pytest.fixture
def shop(manager):
    """A client with an order in progress, an asset with them and a missed call's lead."""
    client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    order = orders.order_create(actor=manager, client=client, malfunction="Tela trincada")
    in_progress = OrderStatus.objects.get(system_code="in_progress")
    orders.order_status_set(actor=manager, order=order, status=in_progress)
    asset = asset_services.asset_create(
        actor=manager, serial="351234567890123", name="iPhone 13", owner=client
    )
    lead = lead_services.lead_create(
        actor=manager,
        client=client,
        lead_type=LeadType.objects.get(system_code="missed_call"),
        manager=manager,
    )
    return {"order": order, "asset": asset, "lead": lead}


def sign_in(page: Page, base_url: str, language: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )
    page.goto(base_url + "/login/")
    page.locator("input[name=username]").fill("mgr")
    page.locator("input[name=password]").fill("mgr")
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.mark.parametrize(
    ("installed", "viewer", "names", "foreign"),
    [
        (
            "en",
            "pt-br",
            ("Em andamento", "No cliente", "Chamada perdida"),
            ("In progress", "At client", "Missed call"),
        ),
        (
            "pt-br",
            "en",
            ("In progress", "At client", "Missed call"),
            ("Em andamento", "No cliente", "Chamada perdida"),
        ),
    ],
)
def test_built_in_names_follow_the_viewer(
    page, live_server, shop, installed, viewer, names, foreign
):
    written_in(installed)
    base = live_server.url
    sign_in(page, base, viewer)
    status, where, missed = names

    page.goto(f"{base}/orders/{shop['order'].pk}/")
    dialog = page.locator(".document-status")
    expect(dialog).to_contain_text(status)
    expect(dialog).not_to_contain_text(foreign[0])
    # The status select offers the statuses by the same names.
    options = page.locator("select[name$=status] option")
    expect(options.filter(has_text=status)).to_have_count(1)
    expect(options.filter(has_text=re.compile(rf"^{foreign[0]}$"))).to_have_count(0)

    page.goto(f"{base}/assets/{shop['asset'].pk}/")
    expect(page.locator(".asset-where")).to_have_text(where)

    page.goto(f"{base}/leads/{shop['lead'].pk}/")
    expect(page.locator("main")).to_contain_text(missed)
    expect(page.locator("main")).not_to_contain_text(foreign[2])


def test_a_renamed_status_reads_as_typed_in_both_languages(page, live_server, shop, manager):
    in_progress = OrderStatus.objects.get(system_code="in_progress")
    order_status_save(
        actor=manager,
        status=in_progress,
        name="Na bancada",
        group=in_progress.group,
        color=in_progress.color,
        position=in_progress.position,
    )
    for language in ("en", "pt-br"):
        sign_in(page, live_server.url, language)
        page.goto(f"{live_server.url}/orders/{shop['order'].pk}/")
        expect(page.locator(".document-status strong")).to_have_text("Na bancada")
