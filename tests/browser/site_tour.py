"""A walk through every page and dialog of Oficina on the demo data, for checks that hold on
all of them (accessibility, phone width).

``demo_site()`` loads the demo (``seed_demo``: the data a new shop first sees) into the test
database; ``tour(page, base_url, site)`` signs in as its administrator and visits each page,
tab, section and dialog (with its error state), yielding a short label at every stop once the
page is ready, so the caller runs its check there.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

ADMIN = "admin"  # seed_demo's administrator; the password is the login


@dataclass(frozen=True)
class DemoSite:
    client: int  # a client with documents, leads, assets, payments and messages
    order: int
    estimate: int
    sale: int
    lead: int
    asset: int
    conversation: int
    cashbox: int
    webchat_key: str
    tabs: tuple[str, ...]
    sections: tuple[str, ...]


def restore_migration_data() -> None:
    """Replay this project's data migrations (built-in roles and permissions, order statuses,
    warehouses, lead lists, numbering sequences): a transactional test (live server) empties
    every table when it ends, their rows included. Each one is idempotent (get_or_create,
    CREATE INDEX IF NOT EXISTS), so replaying them on a fresh database changes nothing."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    ours = {
        config.label
        for config in apps.get_app_configs()
        if str(settings.BASE_DIR) in config.path and ".venv" not in config.path
    }
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    with connection.schema_editor() as editor:
        for key in plan:
            if key[0] not in ours:
                continue
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, editor)


def demo_site() -> DemoSite:
    """The demo data, committed (the live server reads it), and what the tour visits."""
    from accounts.models import Employee
    from assets.models import Asset
    from clients.profile import tabs_for
    from communications.sections import sections_for
    from conversations.models import Channel, Conversation
    from documents.models import Estimate, Order, Sale
    from leads.models import Lead
    from ledger.models import Cashbox

    call_command("seed_demo", stdout=StringIO())
    admin = Employee.objects.get(login=ADMIN)
    order = Order.objects.order_by("pk").first()
    client = order.client
    webchat = Channel.objects.filter(kind=Channel.Kind.WEBCHAT).order_by("pk").first()
    return DemoSite(
        client=client.pk,
        order=order.pk,
        estimate=Estimate.objects.order_by("pk").first().pk,
        sale=Sale.objects.order_by("pk").first().pk,
        lead=Lead.objects.order_by("pk").first().pk,
        asset=Asset.objects.order_by("pk").first().pk,
        conversation=Conversation.objects.filter(client__isnull=False).order_by("pk").first().pk,
        cashbox=Cashbox.objects.order_by("pk").first().pk,
        webchat_key=webchat.public_key,
        tabs=tuple(tab.slug for tab in tabs_for(admin)),
        sections=tuple(section.slug for section in sections_for(admin)),
    )


def use_language(page: Page, base_url: str, code: str) -> None:
    """Every page from now on in ``code`` (Django's language cookie)."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base_url}]
    )


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("input[name=username]").fill(ADMIN)
    page.locator("input[name=password]").fill(ADMIN)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def tour(page: Page, base_url: str, site: DemoSite, language: str) -> Iterator[str]:
    """Visit everything in ``language``; yield a label at each stop, the page settled."""

    def visit(path: str) -> str:
        page.goto(base_url + path)
        expect(page.locator("body")).to_be_visible()
        return path

    # Signed out: the sign-in page, and the web chat a visitor of the shop's site opens.
    page.context.clear_cookies()
    use_language(page, base_url, language)
    yield visit("/login/")
    yield visit(f"/chat/{site.webchat_key}/")
    sign_in(page, base_url)

    yield visit("/clients/")
    yield visit("/clients/new/")
    client = f"/clients/{site.client}"
    for slug in site.tabs:
        yield visit(f"{client}/{slug}/")
    for section in site.sections:
        yield visit(f"{client}/communications/?section={section}")

    # Money dialogs: open, then sent empty (the error state), on the tabs that hold them.
    for tab, opener in (
        ("payments", "advance-dialog"),
        ("payments", "refund-dialog"),
        ("balance", "correction-dialog"),
    ):
        visit(f"{client}/{tab}/")
        page.locator(f"[data-dialog-open={opener}]").click()
        dialog = page.locator(f"#{opener}")
        expect(dialog).to_be_visible()
        yield f"{tab}: {opener}"
        dialog.locator("button[type=submit]").click()
        expect(page.locator(f"#{opener}[open] [aria-invalid=true]").first).to_be_visible()
        yield f"{tab}: {opener} with errors"

    # Documents: each kind's dialog, and the new ones (with their errors).
    yield visit(f"/orders/{site.order}/")
    yield visit(f"/estimates/{site.estimate}/")
    yield visit(f"/sales/{site.sale}/")
    for kind in ("order", "estimate", "sale"):
        yield visit(f"{client}/documents/new-{kind}/")
    yield visit(f"{client}/leads/new/")
    yield visit(f"{client}/assets/new/")

    yield visit("/leads/")
    yield visit("/leads/new/")
    yield visit(f"/leads/{site.lead}/")
    yield visit("/assets/")
    yield visit("/assets/new/")
    yield visit(f"/assets/{site.asset}/")
    for link in _links(page, rf"^/assets/{site.asset}/(?!photo/)[a-z-]+/$"):
        yield visit(link)
    yield visit("/calls/")
    yield visit("/sms/")
    yield visit("/sms/outbox/")
    yield visit("/conversations/")
    yield visit(f"/conversations/{site.conversation}/")
    yield visit("/catalog/services/")
    yield visit("/catalog/products/")
    yield visit("/catalog/services/new/")
    yield visit("/catalog/products/new/")
    yield visit("/cashboxes/")
    yield visit(f"/cashboxes/{site.cashbox}/")
    yield visit("/cashboxes/new/")
    yield visit("/no-such-page/")  # the product's own 404 page

    # Settings: the index, every page it links to, and one of each kind of page those link
    # to (a "new" form, an edit form), found by following the links.
    yield visit("/settings/")
    pages = _links(page, r"^/settings/")
    seen = {re.sub(r"\d+", "N", link) for link in pages}
    for link in pages:
        yield visit(link)
        for inner in _links(page, r"^/settings/"):
            shape = re.sub(r"\d+", "N", inner)
            if shape in seen or inner == link:
                continue
            seen.add(shape)
            yield visit(inner)


def _links(page: Page, pattern: str) -> list[str]:
    """The distinct paths of the links in the page's main part that match ``pattern``."""
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    found = []
    for href in hrefs:
        if re.search(pattern, href) and href not in found:
            found.append(href)
    return found
