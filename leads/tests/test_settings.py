"""Lead settings: types (two built in, found by their system code), statuses (each in a
group, each group keeps an active one, a used status keeps its group) and lost reasons; the
data migration's starting lists; the settings pages."""

import pytest

from leads import services
from leads.choices import ChoiceError, lead_status_save, lead_type_save, lost_reason_save
from leads.models import LeadStatus, LeadType, LostReason
from leads.tests.factories import LeadStatusFactory, builtin_type, status_named
from leads.tests.helpers import snapshot

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_types_statuses_and_reasons():
    types = list(LeadType.objects.values_list("system_code", "name", "active"))
    assert types == [("lead", "Lead", True), ("missed_call", "Missed call", True)]
    statuses = list(LeadStatus.objects.values_list("name", "group"))
    assert statuses == [("New", "open"), ("In work", "open"), ("Won", "won"), ("Lost", "lost")]
    assert LostReason.objects.filter(active=True).count() >= 3


def test_a_portuguese_installation_starts_with_its_own_words(settings):
    """The names are written in the installation's language, a lead's "New" being "Novo"
    (an order's is "Nova")."""
    from importlib import import_module

    from django.apps import apps

    LeadStatus.objects.all().delete()
    LeadType.objects.all().delete()
    LostReason.objects.all().delete()
    settings.LANGUAGE_CODE = "pt-br"
    import_module("leads.migrations.0002_builtin_lists").create_lists(apps, None)
    statuses = list(LeadStatus.objects.values_list("name", "group"))
    assert statuses == [
        ("Novo", "open"),
        ("Em atendimento", "open"),
        ("Ganho", "won"),
        ("Perdido", "lost"),
    ]
    assert set(LeadType.objects.values_list("name", flat=True)) == {"Lead", "Chamada perdida"}


def test_a_builtin_type_may_be_renamed_and_keeps_its_code(admin):
    missed = builtin_type("missed_call")
    lead_type_save(actor=admin, lead_type=missed, name="Chamada perdida", position=3)
    missed.refresh_from_db()
    assert (missed.system_code, missed.name, missed.position) == (
        "missed_call",
        "Chamada perdida",
        3,
    )


def test_new_types_and_reasons(admin):
    walk_in = lead_type_save(actor=admin, lead_type=None, name="  Walk   in ", position=5)
    assert (walk_in.name, walk_in.system_code, walk_in.active) == ("Walk in", "", True)
    reason = lost_reason_save(actor=admin, reason=None, name="Too slow", active=False)
    assert (reason.name, reason.active) == ("Too slow", False)


def test_a_status_with_leads_keeps_its_group(admin):
    in_work = status_named("In work")
    services.lead_create(actor=admin, contact_phone="+5511987654321", status=in_work)
    before = snapshot()
    with pytest.raises(ChoiceError) as caught:
        lead_status_save(actor=admin, status=in_work, name="In work", group="lost", color="#000000")
    assert "group" in caught.value.message_dict
    assert snapshot() == before
    lead_status_save(actor=admin, status=in_work, name="Working", group="open", color="#ABCDEF")
    in_work.refresh_from_db()
    assert (in_work.name, in_work.color) == ("Working", "#abcdef")


@pytest.mark.parametrize("name", ["Won", "Lost"])
def test_each_group_keeps_an_active_status(admin, name):
    status = status_named(name)
    with pytest.raises(ChoiceError) as caught:
        lead_status_save(
            actor=admin, status=status, name=name, group=status.group, color="#000000", active=False
        )
    assert "active" in caught.value.message_dict
    LeadStatusFactory(group=status.group)
    lead_status_save(
        actor=admin, status=status, name=name, group=status.group, color="#000000", active=False
    )


def test_the_open_group_keeps_an_active_status(admin):
    lead_status_save(
        actor=admin,
        status=status_named("In work"),
        name="x",
        group="open",
        color="#000000",
        active=False,
    )
    with pytest.raises(ChoiceError):
        lead_status_save(
            actor=admin,
            status=status_named("New"),
            name="New",
            group="open",
            color="#000000",
            active=False,
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"group": "maybe"}, "group"),
        ({"color": "blue"}, "color"),
        ({"color": None}, "color"),
        ({"position": -1}, "position"),
        ({"position": True}, "position"),
        ({"position": "3"}, "position"),
    ],
)
def test_bad_statuses_are_refused(admin, fields, field):
    data = {"name": "Ok", "group": "open", "color": "#000000", "position": 0, **fields}
    before = snapshot()
    with pytest.raises(ChoiceError) as caught:
        lead_status_save(actor=admin, status=None, **data)
    assert field in caught.value.message_dict
    assert snapshot() == before


def test_the_settings_page_lists_and_edits_the_three_lists(client, admin):
    client.force_login(admin)
    html = client.get("/settings/leads/").content.decode()
    for text in ("Lead types", "Lead statuses", "Lost reasons", "Missed call", "In work"):
        assert text in html, text
    assert "Built-in" in html

    response = client.post(
        "/settings/leads/statuses/new/",
        {"name": "Quoted", "group": "open", "color": "#112233", "position": 2, "active": "on"},
    )
    assert response.status_code == 302 and response.url == "/settings/leads/"
    quoted = LeadStatus.objects.get(name="Quoted")
    assert (quoted.group, quoted.color, quoted.active) == ("open", "#112233", True)

    missed = builtin_type("missed_call")
    page = client.get(f"/settings/leads/types/{missed.pk}/").content.decode()
    assert 'value="Missed call"' in page
    response = client.post(f"/settings/leads/types/{missed.pk}/", {"name": "Missed", "position": 1})
    assert response.status_code == 302
    missed.refresh_from_db()
    assert (missed.name, missed.active, missed.system_code) == ("Missed", False, "missed_call")

    response = client.post(
        "/settings/leads/lost-reasons/new/", {"name": "Went away", "position": 9, "active": "on"}
    )
    assert response.status_code == 302
    reason = LostReason.objects.get(name="Went away")
    page = client.get(f"/settings/leads/lost-reasons/{reason.pk}/").content.decode()
    assert 'value="Went away"' in page


def test_a_refused_status_change_is_shown_on_the_form(client, admin):
    client.force_login(admin)
    won = status_named("Won")
    before = snapshot()
    response = client.post(
        f"/settings/leads/statuses/{won.pk}/",
        {"name": "Won", "group": "won", "color": "#000000", "position": 0},
    )
    assert response.status_code == 200
    assert "needs at least one active status" in response.content.decode()
    assert snapshot() == before
