"""Settings → Order statuses: the list, "+ Status" and editing one, through the pages.

Only ``core.settings`` opens them. A status in use keeps its group, the New, In progress and
Closed groups each keep an active status (the system moves orders into them), and a refused
form changes nothing. What is saved shows up where orders are moved between statuses.
"""

import html

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import orders
from documents.models import OrderStatus
from documents.tests.page_helpers import HX, employee_with

pytestmark = pytest.mark.django_db

LIST = reverse("documents:order_status_list")
NEW = reverse("documents:order_status_create")


def edit_url(status: OrderStatus) -> str:
    return reverse("documents:order_status_edit", args=[status.pk])


def statuses() -> list:
    return list(OrderStatus.objects.order_by("pk").values())


def form(status: OrderStatus, **changes) -> dict:
    """The edit form as the page fills it for ``status``, with ``changes``."""
    data = {
        "name": status.name,
        "group": status.group,
        "color": status.color,
        "position": status.position,
    }
    if status.active:
        data["active"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def builtin(group: str) -> OrderStatus:
    return OrderStatus.objects.get(group=group, position__lt=99)


@pytest.fixture
def http(client, admin):
    client.force_login(admin)
    return client


def refused(http, url: str, data: dict, message: str) -> None:
    before = statuses()
    response = http.post(url, data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert statuses() == before


# --- who may open them -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("full_access", True), ("manager", False), ("specialist", False)],
)
def test_only_core_settings_opens_the_status_pages(client, make_employee, role, allowed):
    client.force_login(make_employee(role))
    status = builtin("new")
    before = statuses()
    for url in (LIST, NEW, edit_url(status)):
        assert client.get(url).status_code == (200 if allowed else 403), url
    if not allowed:
        assert client.post(NEW, form(status, name="Waiting for parts")).status_code == 403
        assert client.post(edit_url(status), form(status, name="Renamed")).status_code == 403
        assert statuses() == before


def test_a_custom_role_with_core_settings_opens_them(client):
    client.force_login(employee_with("core.settings"))
    assert client.get(LIST).status_code == 200
    client.force_login(employee_with("clients.view", "documents.view_all", "documents.edit"))
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    before = statuses()
    for url in (LIST, NEW, edit_url(builtin("new"))):
        assert client.get(url).status_code == 302
    assert client.post(NEW, form(builtin("new"), name="x")).status_code == 302
    assert statuses() == before


def test_an_unknown_status_is_404(http):
    missing = OrderStatus.objects.order_by("-pk").first().pk + 1
    assert http.get(reverse("documents:order_status_edit", args=[missing])).status_code == 404


# --- creating and editing --------------------------------------------------------------------


def test_the_list_shows_every_status_active_first(http):
    retired = OrderStatus.objects.create(name="Old pending", group="pending", active=False)
    text = http.get(LIST).content.decode()
    for status in OrderStatus.objects.all():
        assert status.name in text
        assert status.color in text
    assert text.index("Old pending") > text.index("Cancelled")
    assert f'href="{edit_url(retired)}"' in text


def test_a_new_status_is_saved_and_listed(http):
    response = http.post(
        NEW,
        {
            "name": "  Waiting   for parts ",
            "group": "pending",
            "color": "#A855F7",
            "position": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST
    status = OrderStatus.objects.get(name="Waiting for parts")
    assert (status.group, status.color, status.position, status.active) == (
        "pending",
        "#a855f7",
        3,
        True,
    )
    page = http.get(LIST)
    assert "Waiting for parts" in page.content.decode()
    assert "Status saved." in page.content.decode()


def test_the_edit_form_is_filled_in(http):
    status = builtin("done")
    text = http.get(edit_url(status)).content.decode()
    assert f'value="{status.name}"' in text
    assert f'value="{status.color}"' in text


def test_an_unused_status_may_change_group(http):
    status = OrderStatus.objects.create(name="Quality check", group="pending")
    response = http.post(edit_url(status), form(status, group="done"))
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.group == "done"


def test_a_status_in_use_keeps_its_group(http, manager):
    status = OrderStatus.objects.create(name="Quality check", group="pending")
    order = orders.order_create(actor=manager, client=ClientFactory())
    orders.order_status_set(actor=manager, order=order, status=status)
    refused(
        http,
        edit_url(status),
        form(status, group="done"),
        "Orders are in this status: its group cannot change.",
    )
    # Its name, colour and position still change.
    response = http.post(edit_url(status), form(status, name="QC", color="#111111"))
    assert response.status_code == 302
    status.refresh_from_db()
    assert (status.name, status.color, status.group) == ("QC", "#111111", "pending")


@pytest.mark.parametrize("group", ["new", "in_progress", "closed"])
def test_the_last_active_status_of_a_system_group_stays_active(http, group):
    status = builtin(group)
    label = OrderStatus.Group(group).label
    message = f"The group “{label}” needs at least one active status."
    refused(http, edit_url(status), form(status, active=None), message)
    refused(http, edit_url(status), form(status, group="pending"), message)
    # With another active status in the group it may go.
    OrderStatus.objects.create(name=f"Another {label}", group=group)
    assert http.post(edit_url(status), form(status, active=None)).status_code == 302
    status.refresh_from_db()
    assert status.active is False


@pytest.mark.parametrize("group", ["pending", "done", "delivery", "cancelled"])
def test_other_groups_may_be_left_without_an_active_status(http, group):
    status = builtin(group)
    assert http.post(edit_url(status), form(status, active=None)).status_code == 302
    status.refresh_from_db()
    assert status.active is False


@pytest.mark.parametrize("color", ["red", "#12345", "#gggggg", "123456", ""])
def test_a_bad_colour_is_refused(http, color):
    status = builtin("done")
    message = "This field is required." if not color else "Enter a colour in hex, e.g. #2563eb."
    refused(http, edit_url(status), form(status, color=color), message)
    before = statuses()
    response = http.post(NEW, form(status, name="Fresh", color=color))
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    assert statuses() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"color": "#1234567"}, "Ensure this value has at most 7 characters"),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 65}, "Ensure this value has at most 64 characters"),
        ({"group": "archived"}, "Select a valid choice."),
        ({"position": "1000"}, "Ensure this value is less than or equal to 999."),
        ({"position": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
    ids=["colour too long", "blank name", "long name", "unknown group", "position", "negative"],
)
def test_other_bad_input_is_refused(http, changes, message):
    status = builtin("done")
    refused(http, edit_url(status), form(status, **changes), message)
    refused(http, NEW, form(status, **{"name": "Fresh", **changes}), message)


# --- where a status is used ------------------------------------------------------------------


def test_a_new_status_appears_in_the_order_dialogs_status_select(http, admin):
    order = orders.order_create(actor=admin, client=ClientFactory())
    new = {"group": "pending", "color": "#a855f7", "position": "0"}
    http.post(NEW, {**new, "name": "Waiting for parts"})
    http.post(NEW, {**new, "name": "Archived", "position": "5"})
    http.post(NEW, {**new, "name": "Paid and gone", "group": "closed", "active": "on"})
    waiting = OrderStatus.objects.get(name="Waiting for parts")
    assert waiting.active is False  # the box was not ticked
    http.post(edit_url(waiting), form(waiting, active="on"))

    dialog = http.get(f"/orders/{order.pk}/", **HX).content.decode()
    start = dialog.index('name="status"')
    select = dialog[start : dialog.index("</select>", start)]
    assert f'value="{waiting.pk}">Waiting for parts<' in select
    assert "Archived" not in select  # inactive
    assert "Paid and gone" not in select  # orders are closed by "Close order", not the select

    response = http.post(
        reverse("documents:order_status", args=[order.pk]), {"status": waiting.pk}, **HX
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == waiting
    assert "Waiting for parts" in response.content.decode()


def test_a_status_name_is_shown_escaped(http, admin):
    script = "<script>alert(1)</script>"
    http.post(
        NEW, {"name": script, "group": "pending", "color": "#a855f7", "position": 0, "active": "on"}
    )
    status = OrderStatus.objects.get(name=script)
    order = orders.order_create(actor=admin, client=ClientFactory())
    orders.order_status_set(actor=admin, order=order, status=status)
    pages = [
        http.get(LIST),
        http.get(edit_url(status)),
        http.get(f"/orders/{order.pk}/", **HX),
        http.get(f"/clients/{order.client_id}/documents/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert script not in page.content.decode()
        assert "&lt;script&gt;" in page.content.decode()


def test_the_first_statuses_are_named_in_the_installations_language(settings):
    """A shop installed with LANGUAGE_CODE=pt-br starts with "Nova"/"Em andamento"... as its
    own data (then renamed in settings as it likes)."""
    from importlib import import_module

    from django.apps import apps

    OrderStatus.objects.all().delete()
    settings.LANGUAGE_CODE = "pt-br"
    import_module("documents.migrations.0005_order_statuses").create_statuses(apps, None)
    names = dict(OrderStatus.objects.values_list("group", "name"))
    assert names["in_progress"] != "In progress"
    assert names["closed"] != "Closed"
    assert len(names) == 7
