"""The REST API under /api/v1/ as API.md describes it: auth token and clients."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from clients import services
from clients.models import Client, ClientPhone, Tag

from .factories import (
    AdCampaignFactory,
    ClientFactory,
    ClientPhoneFactory,
    CustomFieldFactory,
    OrganizationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients/"
TOKEN = "/api/v1/auth/token/"
MOBILE = "+5511987654321"
OTHER = "+5521998765432"
BIG = "x" * 10_000

LIST_FIELDS = {
    "id",
    "kind",
    "first_name",
    "last_name",
    "name",
    "display_name",
    "phones",
    "email",
    "address",
    "notes",
    "tags",
    "custom_fields",
    "conflicted",
    "supplier",
    "balance",
}


def short(value):
    """Readable test ids for request bodies."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)})"


def detail(client_id):
    return f"/api/v1/clients/{client_id}/"


def snapshot():
    """Everything a bad request must leave as it was."""
    return {
        "clients": sorted(
            Client.objects.values_list(
                "id",
                "kind",
                "first_name",
                "last_name",
                "name",
                "tax_id",
                "display_name",
                "email",
                "address",
                "notes",
                "birthday",
                "discount_goods",
                "discount_services",
                "custom_fields",
                "conflicted",
                "supplier",
            )
        ),
        "phones": sorted(ClientPhone.objects.values_list("client_id", "number", "label", "notify")),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "client_tags": sorted(Client.tags.through.objects.values_list("client_id", "tag_id")),
    }


@pytest.fixture
def api(api_as, manager):
    return api_as(manager)


@pytest.fixture
def ana():
    client = ClientFactory(first_name="Ana", last_name="Souza", email="ana@example.com")
    ClientPhoneFactory(client=client, number=MOBILE, label="Mobile")
    return client


@pytest.fixture
def no_access_employee(make_employee):
    role = Role.objects.create(name="Nothing", permissions=[])
    employee = make_employee("manager", login="nobody")
    employee.role = role
    employee.save()
    return employee


# --- auth token -----------------------------------------------------------------------------


def test_token_for_good_credentials_opens_the_api(api_client, manager):
    response = api_client.post(TOKEN, {"username": "mgr", "password": "mgr"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(LIST).status_code == 200


def test_token_by_email_and_any_case(api_client, manager):
    by_email = api_client.post(
        TOKEN, {"username": "MGR@example.com", "password": "mgr"}, format="json"
    )
    by_login = api_client.post(TOKEN, {"username": "MGR", "password": "mgr"}, format="json")
    assert by_email.status_code == by_login.status_code == 200
    assert by_email.json()["token"] == by_login.json()["token"]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "mgr", "password": "wrong"},
        {"username": "nobody", "password": "mgr"},
        {"username": "mgr"},
        {"username": "", "password": ""},
        {},
    ],
)
def test_token_refused_for_bad_credentials(api_client, manager, body):
    response = api_client.post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_refused_for_an_inactive_employee(api_client, manager):
    manager.is_active = False
    manager.save()
    response = api_client.post(TOKEN, {"username": "mgr", "password": "mgr"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_existing_token_of_a_deactivated_employee_stops_working(api_as, manager):
    api = api_as(manager)
    assert api.get(LIST).status_code == 200
    manager.is_active = False
    manager.save()
    assert api.get(LIST).status_code == 401


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api_client.get(LIST).status_code == 401


def test_browser_session_also_works(api_client, manager):
    api_client.force_login(manager)
    assert api_client.get(LIST).status_code == 200


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path_of", "body"),
    [
        ("get", lambda c: LIST, None),
        ("post", lambda c: LIST, {"first_name": "Eve"}),
        ("get", lambda c: detail(c.pk), None),
        ("patch", lambda c: detail(c.pk), {"first_name": "Eve"}),
        ("delete", lambda c: detail(c.pk), None),
    ],
)
def test_unauthenticated_requests_are_401_and_change_nothing(
    api_client, ana, method, path_of, body
):
    before = snapshot()
    response = getattr(api_client, method)(path_of(ana), body, format="json")
    assert response.status_code == 401
    assert snapshot() == before


def test_specialist_cannot_delete(api_as, specialist, ana):
    response = api_as(specialist).delete(detail(ana.pk))
    assert response.status_code == 403
    assert Client.objects.filter(pk=ana.pk).exists()


def test_specialist_may_view_create_and_edit(api_as, specialist, ana):
    api = api_as(specialist)
    assert api.get(LIST).status_code == 200
    assert api.post(LIST, {"first_name": "Eve"}, format="json").status_code == 201
    assert api.patch(detail(ana.pk), {"notes": "ok"}, format="json").status_code == 200


def test_employee_without_clients_view_sees_nothing(api_as, no_access_employee, ana):
    api = api_as(no_access_employee)
    before = snapshot()
    assert api.get(LIST).status_code == 403
    assert api.get(detail(ana.pk)).status_code in (403, 404)
    assert api.post(LIST, {"first_name": "Eve"}, format="json").status_code == 403
    assert api.patch(detail(ana.pk), {"first_name": "Eve"}, format="json").status_code in (403, 404)
    assert api.delete(detail(ana.pk)).status_code in (403, 404)
    assert snapshot() == before


def test_view_only_role_cannot_write(api_as, make_employee, ana):
    role = Role.objects.create(name="Viewer", permissions=["clients.view"])
    viewer = make_employee("manager", login="viewer")
    viewer.role = role
    viewer.save()
    api = api_as(viewer)
    before = snapshot()
    assert api.get(detail(ana.pk)).status_code == 200
    assert api.post(LIST, {"first_name": "Eve"}, format="json").status_code == 403
    assert api.patch(detail(ana.pk), {"first_name": "Eve"}, format="json").status_code == 403
    assert snapshot() == before


def test_put_is_not_allowed(api_as, admin, ana):
    before = snapshot()
    response = api_as(admin).put(
        detail(ana.pk), {"first_name": "Eve", "kind": "person"}, format="json"
    )
    assert response.status_code == 405
    assert snapshot() == before


def test_unknown_client_is_404(api_as, admin):
    api = api_as(admin)
    assert api.get(detail(999_999)).status_code == 404
    assert api.patch(detail(999_999), {"notes": "x"}, format="json").status_code == 404
    assert api.delete(detail(999_999)).status_code == 404


# --- list -----------------------------------------------------------------------------------


def test_list_answer_shape_and_fields(api, ana):
    ana.tags.set([TagFactory(name="VIP")])
    body = api.get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["next"] is None and body["previous"] is None
    (row,) = body["results"]
    assert set(row) >= LIST_FIELDS
    assert row["id"] == ana.pk
    assert row["kind"] == "person"
    assert row["display_name"] == "Ana Souza"
    assert row["phones"] == [{"number": MOBILE, "label": "Mobile", "notify": True}]
    assert row["tags"] == ["VIP"]
    assert row["custom_fields"] == {}
    assert row["balance"] == "0.00"
    assert row["conflicted"] is False and row["supplier"] is False


def test_list_is_newest_first(api):
    old = ClientFactory()
    new = ClientFactory()
    ids = [row["id"] for row in api.get(LIST).json()["results"]]
    assert ids == [new.pk, old.pk]


def test_pagination_with_page_and_page_size(api):
    clients = ClientFactory.create_batch(5)
    newest_first = [c.pk for c in reversed(clients)]
    first = api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [r["id"] for r in first["results"]] == newest_first[:2]
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]

    second = api.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == newest_first[2:4]
    assert second["previous"] is not None

    last = api.get(LIST, {"page": 3, "page_size": 2}).json()
    assert [r["id"] for r in last["results"]] == newest_first[4:]
    assert last["next"] is None


def test_page_size_is_capped_at_200(api):
    ClientFactory.create_batch(205)
    body = api.get(LIST, {"page_size": 1000}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_page_past_the_end_is_404(api, ana):
    assert api.get(LIST, {"page": 5}).status_code == 404


# --- filters --------------------------------------------------------------------------------


def search(api, query):
    response = api.get(LIST, {"search": query})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("query", ["joão", "JOAO", "Joao", "joão silva", "silva joao", "SÍLVA"])
def test_search_by_name_ignores_accents_case_and_word_order(api, query):
    joao = ClientFactory(first_name="João", last_name="da Silva")
    ClientFactory(first_name="Maria", last_name="Santos")
    assert search(api, query) == {joao.pk}


def test_search_finds_organizations_by_name(api):
    org = OrganizationFactory(name="Auto Peças Ribeirão")
    ClientFactory(first_name="Maria")
    assert search(api, "pecas ribeirao") == {org.pk}


@pytest.mark.parametrize(
    "query",
    [
        "(11) 98765-4321",
        "+55 11 98765 4321",
        "11987654321",
        "011 98765-4321",
        "0055 11 98765-4321",
        "+5511987654321",
        "98765-4321",
        "98765 4321",
        "4321",
        "654-321",
    ],
)
def test_search_by_phone_in_any_format(api, ana, query):
    ClientPhoneFactory(client=ClientFactory(first_name="Bia"), number=OTHER)
    assert search(api, query) == {ana.pk}


def test_search_finds_a_client_by_its_second_phone(api, ana):
    ClientPhoneFactory(client=ana, number=OTHER)
    assert search(api, "(21) 99876-5432") == {ana.pk}


def test_search_of_three_digits_does_not_match_phones(api, ana):
    assert search(api, "321") == set()


@pytest.mark.parametrize("query", ["ana@example.com", "ANA@Example.com", "ana@", "example.com"])
def test_search_by_email(api, ana, query):
    ClientFactory(first_name="Bia", email="bia@test.org")
    assert search(api, query) == {ana.pk}


def test_search_with_no_match_is_an_empty_page(api, ana):
    body = api.get(LIST, {"search": "zzz"}).json()
    assert body["count"] == 0 and body["results"] == []


def test_search_special_characters_are_literal(api, ana):
    assert search(api, "%") == set()
    assert search(api, "_") == set()


def test_filter_by_tag_name_any_case_or_id(api, ana):
    vip = TagFactory(name="VIP")
    ana.tags.set([vip])
    ClientFactory(tags=[TagFactory(name="Fleet")])
    assert {r["id"] for r in api.get(LIST, {"tag": "vip"}).json()["results"]} == {ana.pk}
    assert {r["id"] for r in api.get(LIST, {"tag": str(vip.pk)}).json()["results"]} == {ana.pk}
    assert api.get(LIST, {"tag": "nope"}).json()["count"] == 0


def test_filter_by_accented_tag_any_case(api, ana):
    ana.tags.set([TagFactory(name="Ação")])
    ClientFactory()
    assert {r["id"] for r in api.get(LIST, {"tag": "AÇÃO"}).json()["results"]} == {ana.pk}


def test_filter_conflicted(api, ana):
    problem = ClientFactory(conflicted=True)
    assert {r["id"] for r in api.get(LIST, {"conflicted": "true"}).json()["results"]} == {
        problem.pk
    }
    assert {r["id"] for r in api.get(LIST, {"conflicted": "false"}).json()["results"]} == {ana.pk}


def test_filter_supplier(api, ana):
    supplier = OrganizationFactory(supplier=True)
    assert {r["id"] for r in api.get(LIST, {"supplier": "true"}).json()["results"]} == {supplier.pk}
    assert {r["id"] for r in api.get(LIST, {"supplier": "false"}).json()["results"]} == {ana.pk}


def test_filters_combine(api):
    both = ClientFactory(first_name="Zeca", conflicted=True, tags=[TagFactory(name="VIP")])
    ClientFactory(first_name="Zeca", conflicted=False, tags=[TagFactory(name="VIP")])
    ClientFactory(first_name="Zeca", conflicted=True)
    found = api.get(LIST, {"search": "zeca", "tag": "vip", "conflicted": "true"}).json()
    assert [r["id"] for r in found["results"]] == [both.pk]


# --- create ---------------------------------------------------------------------------------


def test_create_person_with_phones_tags_and_custom_fields(api, manager):
    CustomFieldFactory(key="plate", kind="text")
    CustomFieldFactory(key="fleet", kind="checkbox")
    TagFactory(name="VIP")
    response = api.post(
        LIST,
        {
            "first_name": "João",
            "last_name": "Silva",
            "email": "Joao@Example.com",
            "birthday": "1990-05-17",
            "discount_goods": "10.5",
            "phones": [
                {"number": "(11) 98765-4321", "label": "Mobile"},
                {"number": "+55 21 99876 5432", "label": "Work", "notify": False},
            ],
            "tags": ["vip", "New"],
            "custom_fields": {"plate": "ABC-1234"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "person"
    assert body["display_name"] == "João Silva"
    assert body["email"] == "joao@example.com"
    assert body["birthday"] == "1990-05-17"
    assert body["discount_goods"] == "10.50"
    assert body["balance"] == "0.00"
    assert body["phones"] == [
        {"number": MOBILE, "label": "Mobile", "notify": True},
        {"number": OTHER, "label": "Work", "notify": False},
    ]
    assert sorted(body["tags"]) == ["New", "VIP"]
    assert body["custom_fields"] == {"plate": "ABC-1234", "fleet": False}

    client = Client.objects.get(pk=body["id"])
    assert client.created_by == manager
    assert [p.number for p in client.phones.all()] == [MOBILE, OTHER]
    assert Tag.objects.count() == 2
    assert api.get(detail(client.pk)).json() == body


def test_create_organization(api):
    response = api.post(
        LIST, {"kind": "organization", "name": "Oficina Ltda", "tax_id": "123"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["display_name"] == "Oficina Ltda"
    assert body["phones"] == [] and body["tags"] == []


def test_create_with_manager_and_marketing_source(api, manager):
    source = AdCampaignFactory()
    response = api.post(
        LIST,
        {"first_name": "Ana", "manager": manager.pk, "marketing_source": source.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    client = Client.objects.get(pk=response.json()["id"])
    assert client.manager == manager
    assert client.marketing_source == source


def test_create_without_manager_makes_the_caller_the_manager(api_as, specialist, manager):
    api = api_as(specialist)
    response = api.post(LIST, {"first_name": "Rui"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["manager"] == specialist.pk
    response = api.post(LIST, {"first_name": "Ivo", "manager": None}, format="json")
    assert response.json()["manager"] is None
    response = api.post(LIST, {"first_name": "Eva", "manager": manager.pk}, format="json")
    assert response.json()["manager"] == manager.pk


def test_read_only_fields_sent_on_create_are_ignored(api):
    response = api.post(
        LIST,
        {"first_name": "Ana", "balance": "1000.00", "display_name": "Hacked", "archived": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    client = Client.objects.get(pk=response.json()["id"])
    assert client.balance == 0
    assert client.display_name == "Ana"
    assert client.archived is False


def test_longest_allowed_names_are_accepted(api):
    response = api.post(LIST, {"first_name": "A" * 100, "last_name": "B" * 100}, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["display_name"] == "A" * 100 + " " + "B" * 100


def test_longest_allowed_organization_name_with_sharp_s_is_accepted(api):
    name = "Straße " * 28 + "Ltda"  # 200 characters; "ß" folds to "ss" for search
    assert len(name) == 200
    response = api.post(LIST, {"kind": "organization", "name": name}, format="json")
    assert response.status_code == 201, response.content[:300]
    assert search(api, "strasse ltda") == {response.json()["id"]}


def test_script_in_names_is_stored_and_returned_verbatim(api, manager):
    evil = "<script>alert(1)</script>"
    response = api.post(
        LIST, {"first_name": evil, "last_name": 'O\'Neil & "Sons"', "notes": evil}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["first_name"] == evil
    assert body["display_name"] == f'{evil} O\'Neil & "Sons"'
    assert "&lt;" not in response.content.decode()
    assert Client.objects.get(pk=body["id"]).first_name == evil


def test_script_in_names_is_escaped_on_the_profile_page(client, manager):
    evil = "<script>alert(1)</script>"
    target = ClientFactory(first_name=evil, last_name="Silva")
    client.force_login(manager)
    response = client.get(f"/clients/{target.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert evil not in html


# --- bad input on create --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error_field"),
    [
        ({"last_name": "Silva"}, "first_name"),
        ({"first_name": "   ", "last_name": "Silva"}, "first_name"),
        ({"kind": "organization", "first_name": "Ana"}, "name"),
        ({"kind": "organization", "name": "  "}, "name"),
        ({"kind": "robot", "first_name": "Ana"}, "kind"),
        ({"first_name": "Ana", "phones": [{"number": "12345"}]}, "phones"),
        ({"first_name": "Ana", "phones": [{"number": "(11) 9876S-4321"}]}, "phones"),
        ({"first_name": "Ana", "phones": [{"number": "1" * 41}]}, "phones"),
        ({"first_name": "Ana", "phones": [{"label": "Mobile"}]}, "phones"),
        ({"first_name": "Ana", "phones": [{"number": MOBILE, "colour": "red"}]}, "phones"),
        ({"first_name": "Ana", "email": "not-an-email"}, "email"),
        ({"first_name": "Ana", "email": "ana@"}, "email"),
        ({"frist_name": "Ana"}, "frist_name"),
        ({"first_name": "Ana", "frist_name": "Ana"}, "frist_name"),
        ({"first_name": "Ana", "phones": "11987654321"}, "phones"),
        ({"first_name": "Ana", "phones": ["11987654321"]}, "phones"),
        ({"first_name": "Ana", "phones": {"number": MOBILE}}, "phones"),
        ({"first_name": "Ana", "tags": 5}, "tags"),
        ({"first_name": "Ana", "tags": "VIP"}, "tags"),
        ({"first_name": "Ana", "tags": [{"name": "VIP"}]}, "tags"),
        ({"first_name": "Ana", "custom_fields": ["plate"]}, "custom_fields"),
        ({"first_name": "Ana", "custom_fields": [1, 2]}, "custom_fields"),
        ({"first_name": "Ana", "custom_fields": "plate"}, "custom_fields"),
        ({"first_name": "Ana", "custom_fields": None}, "custom_fields"),
        ({"first_name": "Ana", "custom_fields": {"unknown": "x"}}, "custom_fields"),
        ({"first_name": "Ana", "discount_goods": 150}, "discount_goods"),
        ({"first_name": "Ana", "discount_goods": -1}, "discount_goods"),
        ({"first_name": "Ana", "discount_services": "100.01"}, "discount_services"),
        ({"first_name": "Ana", "discount_services": "abc"}, "discount_services"),
        ({"first_name": "Ana", "birthday": "tomorrow"}, "birthday"),
        ({"first_name": "Ana", "birthday": "2023-02-30"}, "birthday"),
        ({"first_name": "Ana", "supplier": "maybe"}, "supplier"),
        ({"first_name": "Ana", "manager": 999_999}, "manager"),
        ({"first_name": "Ana", "marketing_source": 999_999}, "marketing_source"),
        ({"first_name": ["Ana"]}, "first_name"),
        ({"first_name": {"x": 1}}, "first_name"),
        (
            {"first_name": "Ana", "phones": [{"number": MOBILE}, {"number": "(11) 98765-4321"}]},
            "phones",
        ),
        ({"first_name": "Ana", "phones": [{"number": MOBILE}] * 2}, "phones"),
        (
            {"first_name": "Ana", "phones": [{"number": f"+55119{n:08d}"} for n in range(21)]},
            "phones",
        ),
        ({"first_name": "Ana", "tags": [f"t{n}" for n in range(51)]}, "tags"),
    ],
    ids=short,
)
def test_bad_create_is_400_and_saves_nothing(api, ana, body, error_field):
    before = snapshot()
    response = api.post(LIST, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert error_field in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"first_name": BIG},
        {"first_name": "Ana", "last_name": BIG},
        {"kind": "organization", "name": BIG},
        {"first_name": "Ana", "tax_id": BIG},
        {"first_name": "Ana", "email": BIG + "@example.com"},
        {"first_name": "Ana", "address": BIG},
        {"first_name": "Ana", "notes": BIG},
        {"first_name": "Ana", "kind": BIG},
        {"first_name": "Ana", "phones": [{"number": BIG}]},
        {"first_name": "Ana", "phones": [{"number": MOBILE, "label": BIG}]},
        {"first_name": "Ana", "tags": [BIG]},
        {"first_name": "Ana", "custom_fields": {"plate": BIG}},
        {"first_name": "Ana", "custom_fields": {BIG: "x"}},
    ],
    ids=short,
)
def test_ten_kilobyte_strings_are_400_and_save_nothing(api, ana, body):
    CustomFieldFactory(key="plate", kind="text")
    before = snapshot()
    response = api.post(LIST, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert snapshot() == before


def test_malformed_json_is_400(api, ana):
    before = snapshot()
    response = api.post(LIST, '{"first_name": "Ana"', content_type="application/json")
    assert response.status_code == 400
    assert snapshot() == before


def test_body_that_is_not_an_object_is_400(api, ana):
    before = snapshot()
    for body in (["first_name", "Ana"], "Ana", 5):
        response = api.post(LIST, body, format="json")
        assert response.status_code == 400
    assert snapshot() == before


def test_required_custom_field_missing_is_400(api):
    CustomFieldFactory(key="plate", kind="text", required=True)
    response = api.post(LIST, {"first_name": "Ana"}, format="json")
    assert response.status_code == 400
    assert "plate" in response.json()["custom_fields"]
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [("number", "lots"), ("date", "tomorrow"), ("checkbox", "yes"), ("choice", "Boat")],
)
def test_bad_custom_field_value_is_400(api, kind, value):
    CustomFieldFactory(key="extra", kind=kind, choices=["Car"])
    response = api.post(
        LIST, {"first_name": "Ana", "custom_fields": {"extra": value}}, format="json"
    )
    assert response.status_code == 400
    assert "extra" in response.json()["custom_fields"]
    assert not Client.objects.exists()


# --- retrieve and update --------------------------------------------------------------------


def test_retrieve(api, ana):
    body = api.get(detail(ana.pk)).json()
    assert set(body) >= LIST_FIELDS
    assert body["display_name"] == "Ana Souza"
    assert body["balance"] == "0.00"


def test_patch_changes_only_what_is_sent(api, ana):
    response = api.patch(detail(ana.pk), {"last_name": "Lima", "conflicted": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["display_name"] == "Ana Lima"
    assert body["conflicted"] is True
    assert body["phones"] == [{"number": MOBILE, "label": "Mobile", "notify": True}]
    ana.refresh_from_db()
    assert ana.last_name == "Lima"
    assert ana.email == "ana@example.com"


def test_patch_replaces_phones_and_tags_and_answers_the_new_ones(api, ana):
    ana.tags.set([TagFactory(name="Old")])
    response = api.patch(
        detail(ana.pk),
        {"phones": [{"number": "21 99876-5432", "label": "Work"}], "tags": ["New"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["phones"] == [{"number": OTHER, "label": "Work", "notify": True}]
    assert body["tags"] == ["New"]
    assert [p.number for p in ana.phones.all()] == [OTHER]
    assert api.get(detail(ana.pk)).json()["phones"] == body["phones"]


def test_patch_with_empty_lists_removes_phones_and_tags(api, ana):
    ana.tags.set([TagFactory(name="Old")])
    response = api.patch(detail(ana.pk), {"phones": [], "tags": []}, format="json")
    assert response.status_code == 200
    assert response.json()["phones"] == [] and response.json()["tags"] == []
    assert not ana.phones.exists()


def test_patch_person_into_organization(api, ana):
    response = api.patch(
        detail(ana.pk), {"kind": "organization", "name": "Ana Peças"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ana Peças"
    assert search(api, "pecas") == {ana.pk}


def test_patch_custom_fields_keeps_the_other_values(api, ana):
    CustomFieldFactory(key="plate", kind="text")
    CustomFieldFactory(key="mileage", kind="number")
    api.patch(detail(ana.pk), {"custom_fields": {"plate": "ABC"}}, format="json")
    response = api.patch(detail(ana.pk), {"custom_fields": {"mileage": 10}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["custom_fields"] == {"plate": "ABC", "mileage": "10"}


def test_patch_still_works_after_a_custom_field_is_deactivated(api, ana):
    old = CustomFieldFactory(key="old", kind="text")
    CustomFieldFactory(key="plate", kind="text")
    api.patch(detail(ana.pk), {"custom_fields": {"old": "value"}}, format="json")
    old.active = False
    old.save()
    response = api.patch(detail(ana.pk), {"custom_fields": {"plate": "ABC"}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["custom_fields"]["plate"] == "ABC"


@pytest.mark.parametrize(
    "body",
    [
        {"first_name": ""},
        {"first_name": "   "},
        {"kind": "organization"},
        {"frist_name": "Eve"},
        {"email": "nope"},
        {"phones": [{"number": "garbage"}]},
        {"phones": [{"number": MOBILE}, {"number": "+55 11 98765 4321"}]},
        {"phones": "11987654321"},
        {"tags": 5},
        {"custom_fields": ["x"]},
        {"custom_fields": {"unknown": 1}},
        {"discount_goods": 150},
        {"discount_services": -1},
        {"birthday": "tomorrow"},
        {"notes": BIG},
        {"address": BIG},
        {"last_name": BIG},
        # A valid change next to a bad one is not half-applied.
        {"last_name": "Lima", "phones": [{"number": "garbage"}]},
        {"notes": "changed", "tags": ["ok"], "email": "bad"},
        {"phones": [{"number": OTHER}], "discount_goods": 101},
    ],
    ids=short,
)
def test_bad_patch_is_400_and_changes_nothing(api, ana, body):
    ana.tags.set([TagFactory(name="VIP")])
    before = snapshot()
    response = api.patch(detail(ana.pk), body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert snapshot() == before


def test_patch_of_an_organization_clearing_its_name_is_400(api):
    org = OrganizationFactory(name="Oficina Ltda")
    before = snapshot()
    response = api.patch(detail(org.pk), {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert snapshot() == before


def test_patch_by_specialist_of_a_script_name_stays_text(api_as, specialist, ana):
    evil = '"><img src=x onerror=alert(1)>'
    response = api_as(specialist).patch(detail(ana.pk), {"last_name": evil}, format="json")
    assert response.status_code == 200
    assert response.json()["last_name"] == evil


# --- delete ---------------------------------------------------------------------------------


def test_delete_removes_the_client(api_as, admin, ana):
    response = api_as(admin).delete(detail(ana.pk))
    assert response.status_code == 204
    assert not Client.objects.filter(pk=ana.pk).exists()
    assert not ClientPhone.objects.filter(client_id=ana.pk).exists()


def test_manager_role_cannot_delete(api, ana):
    # The built-in Manager role does not grant clients.delete.
    assert api.delete(detail(ana.pk)).status_code == 403
    assert Client.objects.filter(pk=ana.pk).exists()


@pytest.fixture
def money_history_guard():
    def guard(client):
        return "This client has money history: archive it instead." if client.notes else None

    services.register_delete_guard(guard)
    yield guard
    while guard in services._delete_guards:
        services._delete_guards.remove(guard)


def test_delete_refused_by_a_guard_is_400_with_detail(api_as, admin, money_history_guard):
    guarded = ClientFactory(notes="paid an advance")
    before = snapshot()
    response = api_as(admin).delete(detail(guarded.pk))
    assert response.status_code == 400
    assert response.json() == {"detail": "This client has money history: archive it instead."}
    assert Client.objects.filter(pk=guarded.pk).exists()
    assert snapshot() == before


def test_delete_guard_lets_clients_without_history_go(api_as, admin, money_history_guard):
    free = ClientFactory(notes="")
    assert api_as(admin).delete(detail(free.pk)).status_code == 204
    assert not Client.objects.filter(pk=free.pk).exists()
