"""Client services (create, update, delete, archive) and custom field validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients import services
from clients.custom_fields import MAX_TEXT, clean_custom_fields, clean_value
from clients.models import Client, ClientPhone, Tag
from clients.services import (
    ClientDeleteRefused,
    PhoneInput,
    client_create,
    client_delete,
    client_delete_refusal,
    client_set_archived,
    client_update,
    register_delete_guard,
)

from .factories import ClientFactory, ClientPhoneFactory, CustomFieldFactory, TagFactory

pytestmark = pytest.mark.django_db

MOBILE = "+5511987654321"
OTHER = "+5521998765432"


@pytest.fixture
def delete_guard():
    """Register a guard for one test and always take it out again."""
    registered = []

    def register(guard):
        register_delete_guard(guard)
        registered.append(guard)
        return guard

    yield register
    for guard in registered:
        while guard in services._delete_guards:
            services._delete_guards.remove(guard)


def phone_rows(client):
    return list(ClientPhone.objects.filter(client=client).values_list("number", "label", "notify"))


# --- create ---------------------------------------------------------------------------------


def test_create_person_builds_display_and_search_names(manager):
    client = client_create(
        actor=manager,
        data={"first_name": " João ", "last_name": "da Conceição", "email": " Joao@Example.COM "},
    )
    client.refresh_from_db()
    assert client.kind == Client.Kind.PERSON
    assert client.display_name == "João da Conceição"
    assert client.search_name == "joao da conceicao"
    assert client.email == "joao@example.com"
    assert client.created_by == manager
    assert client.balance == Decimal("0")


def test_create_without_a_manager_makes_the_creating_employee_its_manager(manager, admin):
    created = client_create(actor=manager, data={"first_name": "Rui"})
    assert created.manager == manager
    chosen = client_create(actor=manager, data={"first_name": "Ivo", "manager": admin})
    assert chosen.manager == admin
    # An explicit "nobody" is a choice too.
    assert client_create(actor=manager, data={"first_name": "Eva", "manager": None}).manager is None


def test_create_organization_is_shown_by_its_name(manager):
    client = client_create(
        actor=manager,
        data={"kind": "organization", "name": "Oficina Ágil Ltda", "tax_id": "12.345.678/0001-90"},
    )
    client.refresh_from_db()
    assert client.display_name == "Oficina Ágil Ltda"
    assert client.search_name == "oficina agil ltda"


@pytest.mark.parametrize("first_name", ["", "   "])
def test_person_without_first_name_is_refused_and_nothing_saved(manager, first_name):
    with pytest.raises(ValidationError) as info:
        client_create(
            actor=manager,
            data={"first_name": first_name, "last_name": "Silva"},
            phones=[PhoneInput(MOBILE)],
            tags=["VIP"],
        )
    assert "first_name" in info.value.message_dict
    assert Client.objects.count() == 0
    assert ClientPhone.objects.count() == 0
    assert Tag.objects.count() == 0


@pytest.mark.parametrize("name", ["", "   "])
def test_organization_without_name_is_refused_even_with_a_first_name(manager, name):
    with pytest.raises(ValidationError) as info:
        client_create(
            actor=manager, data={"kind": "organization", "name": name, "first_name": "Ana"}
        )
    assert "name" in info.value.message_dict
    assert Client.objects.count() == 0


def test_create_ignores_fields_that_are_not_editable(manager):
    client = client_create(
        actor=manager,
        data={"first_name": "Ana", "balance": Decimal("500"), "archived": True},
    )
    client.refresh_from_db()
    assert client.balance == Decimal("0")
    assert client.archived is False


def test_create_stores_phones_in_order_with_label_and_notify(manager):
    client = client_create(
        actor=manager,
        data={"first_name": "Ana"},
        phones=[PhoneInput(OTHER, "Work", False), PhoneInput(MOBILE, "Mobile")],
    )
    assert phone_rows(client) == [(OTHER, "Work", False), (MOBILE, "Mobile", True)]
    assert client.main_phone.number == OTHER


def test_create_refuses_the_same_number_twice_and_saves_nothing(manager):
    with pytest.raises(ValidationError) as info:
        client_create(
            actor=manager,
            data={"first_name": "Ana"},
            phones=[PhoneInput(MOBILE, "Mobile"), PhoneInput(MOBILE, "Home")],
        )
    assert "phones" in info.value.message_dict
    assert Client.objects.count() == 0
    assert ClientPhone.objects.count() == 0


def test_two_clients_may_share_a_number(manager):
    # The UI warns about duplicates; the number itself is not forbidden.
    first = client_create(actor=manager, data={"first_name": "Ana"}, phones=[PhoneInput(MOBILE)])
    second = client_create(actor=manager, data={"first_name": "Bia"}, phones=[PhoneInput(MOBILE)])
    assert phone_rows(first)[0][0] == phone_rows(second)[0][0] == MOBILE


# --- tags -----------------------------------------------------------------------------------


def test_tags_differing_only_in_case_or_blanks_are_one_tag(manager):
    client = client_create(
        actor=manager,
        data={"first_name": "Ana"},
        tags=["VIP", "vip", "  Vip ", "", "   ", "corporate   client"],
    )
    assert sorted(t.name for t in client.tags.all()) == ["VIP", "corporate client"]
    assert Tag.objects.count() == 2


def test_existing_tag_is_reused_whatever_its_case(manager):
    existing = TagFactory(name="Corporate")
    client = client_create(actor=manager, data={"first_name": "Ana"}, tags=["CORPORATE"])
    assert list(client.tags.all()) == [existing]
    assert Tag.objects.count() == 1


def test_accented_tag_is_reused_whatever_its_case(manager):
    first = client_create(actor=manager, data={"first_name": "Ana"}, tags=["Ação"])
    second = client_create(actor=manager, data={"first_name": "Bia"}, tags=["AÇÃO"])
    assert Tag.objects.count() == 1
    assert list(second.tags.all()) == list(first.tags.all())


def test_long_tag_names_are_cut_to_the_column_size(manager):
    client = client_create(actor=manager, data={"first_name": "Ana"}, tags=["x" * 80])
    assert [t.name for t in client.tags.all()] == ["x" * 50]


# --- update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_names(manager):
    client = ClientFactory(first_name="Ana", last_name="Silva")
    client_update(actor=manager, client=client, data={"last_name": "Souza", "conflicted": True})
    client.refresh_from_db()
    assert client.display_name == "Ana Souza"
    assert client.search_name == "ana souza"
    assert client.conflicted is True


def test_update_replaces_phones_when_given_and_keeps_them_otherwise(manager):
    client = ClientFactory()
    ClientPhoneFactory(client=client, number=MOBILE, label="Old")
    client_update(actor=manager, client=client, data={"notes": "x"})
    assert phone_rows(client) == [(MOBILE, "Old", True)]

    client_update(actor=manager, client=client, data={}, phones=[PhoneInput(OTHER, "New")])
    assert phone_rows(client) == [(OTHER, "New", True)]

    client_update(actor=manager, client=client, data={}, phones=[])
    assert phone_rows(client) == []


def test_update_replaces_tags_when_given_and_keeps_them_otherwise(manager):
    client = ClientFactory(tags=[TagFactory(name="VIP")])
    client_update(actor=manager, client=client, data={"notes": "x"})
    assert [t.name for t in client.tags.all()] == ["VIP"]
    client_update(actor=manager, client=client, data={}, tags=["Fleet"])
    assert [t.name for t in client.tags.all()] == ["Fleet"]
    client_update(actor=manager, client=client, data={}, tags=[])
    assert list(client.tags.all()) == []


def test_update_with_duplicate_phones_keeps_the_old_phones(manager):
    client = ClientFactory()
    ClientPhoneFactory(client=client, number=MOBILE, label="Old")
    with pytest.raises(ValidationError):
        client_update(
            actor=manager,
            client=client,
            data={"notes": "changed"},
            phones=[PhoneInput(OTHER), PhoneInput(OTHER)],
        )
    assert phone_rows(client) == [(MOBILE, "Old", True)]
    client.refresh_from_db()
    assert client.notes == ""


def test_update_to_organization_without_name_is_refused_and_nothing_changes(manager):
    client = ClientFactory(first_name="Ana", last_name="Silva")
    with pytest.raises(ValidationError) as info:
        client_update(actor=manager, client=client, data={"kind": "organization"})
    assert "name" in info.value.message_dict
    client.refresh_from_db()
    assert client.kind == Client.Kind.PERSON
    assert client.display_name == "Ana Silva"


def test_update_clearing_first_name_is_refused(manager):
    client = ClientFactory(first_name="Ana")
    with pytest.raises(ValidationError):
        client_update(actor=manager, client=client, data={"first_name": "  "})
    client.refresh_from_db()
    assert client.first_name == "Ana"


def test_update_person_to_organization_with_name(manager):
    client = ClientFactory(first_name="Ana", last_name="Silva")
    client_update(actor=manager, client=client, data={"kind": "organization", "name": "Ana ME"})
    client.refresh_from_db()
    assert client.display_name == "Ana ME"


# --- delete and archive ---------------------------------------------------------------------


def test_delete_removes_the_client_and_its_phones(manager):
    client = ClientFactory()
    ClientPhoneFactory(client=client)
    client_delete(actor=manager, client=client)
    assert not Client.objects.exists()
    assert not ClientPhone.objects.exists()


def test_delete_guard_refusal_keeps_the_client(manager, delete_guard):
    kept = ClientFactory(first_name="Kept")
    free = ClientFactory(first_name="Free")
    delete_guard(lambda c: "Has payments: archive it." if c.first_name == "Kept" else None)

    assert client_delete_refusal(kept) == "Has payments: archive it."
    with pytest.raises(ClientDeleteRefused) as info:
        client_delete(actor=manager, client=kept)
    assert str(info.value) == "Has payments: archive it."
    assert Client.objects.filter(pk=kept.pk).exists()

    assert client_delete_refusal(free) is None
    client_delete(actor=manager, client=free)
    assert not Client.objects.filter(pk=free.pk).exists()


def test_a_guard_registered_twice_is_asked_once(delete_guard):
    calls = []

    def guard(client):
        calls.append(client.pk)
        return None

    delete_guard(guard)
    delete_guard(guard)
    client_delete_refusal(ClientFactory())
    assert len(calls) == 1


def test_archive_and_restore(manager):
    client = ClientFactory(first_name="Ana")
    client_set_archived(actor=manager, client=client, archived=True)
    client.refresh_from_db()
    assert client.archived is True
    assert client.display_name.startswith("Ana")
    client_set_archived(actor=manager, client=client, archived=False)
    client.refresh_from_db()
    assert client.archived is False


def test_archived_client_keeps_its_phones_and_tags(manager):
    client = ClientFactory(tags=[TagFactory(name="VIP")])
    ClientPhoneFactory(client=client, number=MOBILE)
    client_set_archived(actor=manager, client=client, archived=True)
    assert phone_rows(client) == [(MOBILE, "Mobile", True)]
    assert [t.name for t in client.tags.all()] == ["VIP"]


# --- custom fields --------------------------------------------------------------------------


def field(kind, **kwargs):
    return CustomFieldFactory(kind=kind, **kwargs)


def test_text_value_is_trimmed():
    assert clean_value(field("text"), "  hello  ") == "hello"


@pytest.mark.parametrize("value", [123, 1.5, True, ["a"], {"a": 1}])
def test_text_refuses_non_text(value):
    with pytest.raises(ValidationError):
        clean_value(field("text"), value)


def test_text_longer_than_the_limit_is_refused():
    definition = field("text")
    assert clean_value(definition, "x" * MAX_TEXT) == "x" * MAX_TEXT
    with pytest.raises(ValidationError) as info:
        clean_value(definition, "x" * (MAX_TEXT + 1))
    assert str(MAX_TEXT) in info.value.messages[0]


@pytest.mark.parametrize(
    ("value", "stored"),
    [(3, "3"), ("12.50", "12.50"), (0.5, "0.5"), ("-7", "-7"), (Decimal("2.25"), "2.25")],
)
def test_number_is_stored_as_a_decimal_string(value, stored):
    assert clean_value(field("number"), value) == stored


@pytest.mark.parametrize(
    "value", ["abc", "1,5", True, False, "NaN", "Infinity", "-inf", "1e15", 10**16, [1], {}]
)
def test_number_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValidationError) as info:
        clean_value(field("number"), value)
    assert info.value.messages == ["Enter a number."]


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2024-02-29", "2024-02-29"), (datetime.date(2023, 1, 5), "2023-01-05")],
)
def test_date_is_stored_in_iso_format(value, stored):
    assert clean_value(field("date"), value) == stored


@pytest.mark.parametrize("value", ["2023-02-29", "tomorrow", "31/12/2024", "2024-13-01", 5])
def test_date_refuses_what_is_not_a_date(value):
    with pytest.raises(ValidationError) as info:
        clean_value(field("date"), value)
    assert "YYYY-MM-DD" in info.value.messages[0]


def test_choice_accepts_only_listed_values():
    definition = field("choice", choices=["Car", "Motorbike"])
    assert clean_value(definition, "Car") == "Car"
    with pytest.raises(ValidationError) as info:
        clean_value(definition, "Boat")
    assert "Car, Motorbike" in info.value.messages[0]
    with pytest.raises(ValidationError):
        clean_value(definition, "car")


def test_checkbox_accepts_booleans_only():
    definition = field("checkbox")
    assert clean_value(definition, True) is True
    assert clean_value(definition, False) is False
    assert clean_value(definition, None) is False
    for value in ("yes", "true", 1, 0):
        with pytest.raises(ValidationError):
            clean_value(definition, value)


@pytest.mark.parametrize("kind", ["text", "number", "date", "choice"])
@pytest.mark.parametrize("value", [None, ""])
def test_required_field_must_be_filled(kind, value):
    definition = field(kind, required=True, choices=["A"])
    with pytest.raises(ValidationError) as info:
        clean_value(definition, value)
    assert info.value.messages == ["This field is required."]


def test_required_text_filled_with_blanks_is_refused():
    with pytest.raises(ValidationError):
        clean_value(field("text", required=True), "    ")


def test_required_checkbox_may_be_left_unticked():
    assert clean_value(field("checkbox", required=True), None) is False


def test_optional_empty_values_are_stored_as_empty():
    assert clean_value(field("text"), "") is None
    assert clean_value(field("number"), None) is None


def test_clean_custom_fields_fills_every_active_field_and_cleans_values():
    field("text", key="plate")
    field("number", key="mileage")
    field("checkbox", key="fleet")
    field("text", key="old", active=False)
    assert clean_custom_fields({"plate": " ABC-1234 ", "mileage": 1200}) == {
        "plate": "ABC-1234",
        "mileage": "1200",
        "fleet": False,
    }


def test_clean_custom_fields_reports_unknown_and_inactive_keys_and_each_bad_value():
    field("number", key="mileage")
    field("date", key="since", required=True)
    field("text", key="old", active=False)
    with pytest.raises(ValidationError) as info:
        clean_custom_fields({"mileage": "lots", "old": "x", "nope": 1})
    errors = info.value.message_dict
    assert errors == {
        "mileage": ["Enter a number."],
        "since": ["This field is required."],
        "old": ["Unknown custom field."],
        "nope": ["Unknown custom field."],
    }


def test_clean_custom_fields_cuts_a_huge_unknown_key_in_the_message():
    with pytest.raises(ValidationError) as info:
        clean_custom_fields({"k" * 10_000: 1})
    assert list(info.value.message_dict) == ["k" * 50]


@pytest.mark.parametrize("values", [["plate"], "plate", 5, None])
def test_clean_custom_fields_wants_an_object(values):
    with pytest.raises(ValidationError) as info:
        clean_custom_fields(values)
    assert "object" in info.value.messages[0]


def test_clean_custom_fields_with_no_definitions_accepts_only_an_empty_object():
    assert clean_custom_fields({}) == {}
    with pytest.raises(ValidationError):
        clean_custom_fields({"anything": "x"})
