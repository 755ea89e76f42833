"""The client pages as an employee uses them: list, "+ Client", the profile and settings."""

from decimal import Decimal

import pytest
from django.test.html import Element, parse_html

from accounts.models import Role
from clients import profile
from clients.models import AdCampaign, Client, ClientPhone, CustomField
from clients.profile import ProfileTab

from .factories import (
    AdCampaignFactory,
    ClientFactory,
    ClientPhoneFactory,
    CustomFieldFactory,
    OrganizationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE = "+5511987654321"


# --- reading pages --------------------------------------------------------------------------


def _walk(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def _attr(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def _classes(element: Element) -> list[str]:
    return (_attr(element, "class") or "").split()


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(_text(child) for child in node.children).split())


def dom(response) -> Element:
    return parse_html(response.content.decode())


def _tab_links(response) -> list[Element]:
    """The profile's tabs: links in the tab strip, the current one aria-current="page"."""
    return [e for e in _walk(by_id(response, "profile-tabs")) if e.name == "a"]


def by_id(response, element_id: str) -> Element:
    for element in _walk(dom(response)):
        if _attr(element, "id") == element_id:
            return element
    raise AssertionError(f"no element with id {element_id!r} on the page")


def field_errors(response, name: str) -> list[str]:
    """The error messages shown in the block of form field ``name``."""
    block = by_id(response, f"field-{name}")
    return [_text(p) for p in _walk(block) if p.name == "p" and "error" in _classes(p)]


def phone_errors(response, index: int) -> list[str]:
    """The error messages shown next to the phone input of row ``index``."""
    wanted = f"phones-{index}-number"
    for div in _walk(dom(response)):
        if div.name != "div":
            continue
        children = [c for c in div.children if isinstance(c, Element)]
        if any(c.name == "input" and _attr(c, "name") == wanted for c in children):
            return [_text(p) for p in children if p.name == "p" and "error" in _classes(p)]
    raise AssertionError(f"no phone input {wanted!r} on the page")


def input_value(response, name: str) -> str | None:
    for element in _walk(dom(response)):
        if element.name == "input" and _attr(element, "name") == name:
            return _attr(element, "value")
    raise AssertionError(f"no input {name!r} on the page")


def list_names(response) -> list[str]:
    """Client names in the rows of the list, in order."""
    table = next(e for e in _walk(dom(response)) if e.name == "tbody")
    names = []
    for row in (c for c in table.children if isinstance(c, Element)):
        link = next((e for e in _walk(row) if e.name == "a"), None)
        if link is not None:
            names.append(_text(link))
    return names


def form_data(*, phones=(), **fields) -> dict:
    """What the client form posts, as the browser sends it."""
    data = {
        "kind": "person",
        "first_name": "",
        "last_name": "",
        "name": "",
        "tax_id": "",
        "email": "",
        "address": "",
        "birthday": "",
        "notes": "",
        "marketing_source": "",
        "discount_goods": "0",
        "discount_services": "0",
        "manager": "",
        "tags_text": "",
        "phones-TOTAL_FORMS": str(max(len(phones), 1)),
        "phones-INITIAL_FORMS": "0",
        "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "20",
        "phones-0-number": "",
        "phones-0-label": "",
    }
    for i, phone in enumerate(phones):
        number, label = phone if isinstance(phone, tuple) else (phone, "")
        data[f"phones-{i}-number"] = number
        data[f"phones-{i}-label"] = label
        data[f"phones-{i}-notify"] = "on"
    for key, value in fields.items():
        if value is True:
            data[key] = "on"
        elif value is False:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def edit_data(client: Client, **changes) -> dict:
    """The General tab's form as it is rendered for ``client``, with ``changes`` typed in."""
    values = {
        "kind": client.kind,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "name": client.name,
        "tax_id": client.tax_id,
        "email": client.email,
        "notes": client.notes,
        "discount_goods": str(client.discount_goods),
        "discount_services": str(client.discount_services),
        "tags_text": ", ".join(t.name for t in client.tags.all()),
        "supplier": client.supplier,
        "conflicted": client.conflicted,
    }
    phones = changes.pop("phones", [(p.number, p.label) for p in client.phones.all()])
    values.update(changes)
    return form_data(phones=phones, **values)


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def ana():
    person = ClientFactory(first_name="Ana", last_name="Souza", email="ana@example.com")
    ClientPhoneFactory(client=person, number=PHONE)
    return person


# --- sign-in is required everywhere ---------------------------------------------------------

PAGES = [
    "/",
    "/clients/",
    "/clients/?search=ana",
    "/clients/new/",
    "/clients/duplicates/?email=ana@example.com",
    "/clients/{client}/",
    "/clients/{client}/general/",
    "/settings/employees/",
    "/settings/employees/new/",
    "/settings/employees/{employee}/",
    "/settings/roles/",
    "/settings/roles/new/",
    "/settings/roles/{role}/",
    "/settings/marketing-sources/",
    "/settings/marketing-sources/new/",
    "/settings/marketing-sources/{source}/",
    "/settings/custom-fields/",
    "/settings/custom-fields/new/",
    "/settings/custom-fields/{field}/",
    "/api/docs/",
]


@pytest.mark.parametrize("template", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, ana, manager, template):
    path = template.format(
        client=ana.pk,
        employee=manager.pk,
        role=Role.objects.get(system_code="manager").pk,
        source=AdCampaignFactory().pk,
        field=CustomFieldFactory().pk,
    )
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "Ana Souza" not in response.content.decode()


@pytest.mark.parametrize("action", ["general", "archive", "delete"])
def test_anonymous_posts_change_nothing(client, ana, action):
    response = client.post(f"/clients/{ana.pk}/{action}/", edit_data(ana, first_name="Hacked"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    ana.refresh_from_db()
    assert (ana.first_name, ana.archived) == ("Ana", False)


def test_anonymous_create_changes_nothing(client):
    response = client.post("/clients/new/", form_data(first_name="Intruder"))
    assert response["Location"].startswith("/login/")
    assert not Client.objects.exists()


def test_login_page_is_open(client):
    assert client.get("/login/").status_code == 200


# --- the client list ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["(11) 98765-4321", "+55 11 98765 4321", "11987654321"])
def test_search_finds_a_client_by_phone_in_any_format(signed_in, ana, typed):
    other = ClientFactory(first_name="Bruno", last_name="Lima")
    ClientPhoneFactory(client=other, number="+5511912345678")
    response = signed_in.get("/clients/", {"search": typed})
    assert list_names(response) == ["Ana Souza"]
    assert "(11) 98765-4321" in response.content.decode()


def test_search_by_name_ignores_accents_and_case(signed_in):
    ClientFactory(first_name="João", last_name="Conceição")
    ClientFactory(first_name="Maria", last_name="Silva")
    response = signed_in.get("/clients/", {"search": "joao conceicao"})
    assert list_names(response) == ["João Conceição"]


def test_search_by_email_and_part_of_a_number(signed_in, ana):
    ClientFactory(first_name="Bruno", email="bruno@example.com")
    assert list_names(signed_in.get("/clients/", {"search": "ana@example.com"})) == ["Ana Souza"]
    assert list_names(signed_in.get("/clients/", {"search": "4321"})) == ["Ana Souza"]


def test_search_without_matches_says_so(signed_in, ana):
    response = signed_in.get("/clients/", {"search": "Zebedeu"})
    assert list_names(response) == []
    assert "No clients match." in response.content.decode()


def test_htmx_search_returns_only_the_results(signed_in, ana):
    ClientFactory(first_name="Bruno")
    response = signed_in.get("/clients/", {"search": "11987654321"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="client-search"' not in html
    assert list_names(response) == ["Ana Souza"]


def test_filter_by_tag(signed_in):
    vip = TagFactory(name="VIP")
    ClientFactory(first_name="Carla", last_name="Dias", tags=[vip])
    ClientFactory(first_name="Diego", last_name="Reis", tags=[TagFactory(name="fleet")])
    ClientFactory(first_name="Elisa", last_name="Melo")
    assert list_names(signed_in.get("/clients/", {"tag": "VIP"})) == ["Carla Dias"]
    assert list_names(signed_in.get("/clients/", {"tag": "vip"})) == ["Carla Dias"]
    assert list_names(signed_in.get("/clients/", {"tag": str(vip.pk)})) == ["Carla Dias"]
    # The tag select offers every tag.
    html = signed_in.get("/clients/").content.decode()
    assert '<option value="VIP"' in html
    assert '<option value="fleet"' in html


def test_filter_conflicted_and_supplier(signed_in):
    ClientFactory(first_name="Fabio", last_name="Neto", conflicted=True)
    OrganizationFactory(name="Peças Brasil", supplier=True)
    ClientFactory(first_name="Gilda", last_name="Faria")
    assert list_names(signed_in.get("/clients/?conflicted=true")) == ["Fabio Neto"]
    assert list_names(signed_in.get("/clients/?supplier=true")) == ["Peças Brasil"]


def test_archived_clients_are_hidden_unless_asked_for(signed_in):
    ClientFactory(first_name="Helena", last_name="Old", archived=True)
    ClientFactory(first_name="Igor", last_name="Active")
    assert list_names(signed_in.get("/clients/")) == ["Igor Active"]
    assert list_names(signed_in.get("/clients/?archived=true")) == ["Helena Old"]


def test_list_shows_25_clients_a_page(signed_in):
    for i in range(30):
        ClientFactory(first_name=f"Client{i:02d}", last_name="Page")
    first = signed_in.get("/clients/")
    assert len(list_names(first)) == 25
    assert list_names(first)[0] == "Client29 Page"  # newest first
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert "30 clients" in html
    second = signed_in.get("/clients/?page=2")
    assert list_names(second) == [f"Client{i:02d} Page" for i in range(4, -1, -1)]
    assert "Page 2 of 2" in second.content.decode()


def test_pagination_keeps_the_search(signed_in):
    for i in range(27):
        ClientFactory(first_name=f"Silva{i}", last_name="Santos")
    ClientFactory(first_name="Outro", last_name="Nome")
    html = signed_in.get("/clients/", {"search": "santos"}).content.decode()
    assert "search=santos&amp;page=2" in html
    second = signed_in.get("/clients/", {"search": "santos", "page": "2"})
    assert len(list_names(second)) == 2
    assert all(name.endswith("Santos") for name in list_names(second))


def test_conflicted_badge_in_list_and_profile(signed_in):
    trouble = ClientFactory(first_name="Joana", conflicted=True)
    ClientFactory(first_name="Calm")
    listing = signed_in.get("/clients/")
    rows = [r for r in _walk(dom(listing)) if r.name == "tr"]
    badged = [_text(r) for r in rows if any("badge-conflicted" in _classes(e) for e in _walk(r))]
    assert len(badged) == 1
    assert "Joana" in badged[0]
    header = by_id(signed_in.get(f"/clients/{trouble.pk}/"), "profile-head")
    assert any("badge-conflicted" in _classes(e) for e in _walk(header))


def test_unknown_filter_values_do_not_break_the_list(signed_in, ana):
    response = signed_in.get("/clients/", {"conflicted": "maybe", "page": "abc", "tag": "nope"})
    assert response.status_code == 200


# --- "+ Client" -----------------------------------------------------------------------------


def test_create_a_person_with_phones_and_tags(signed_in, manager):
    data = form_data(
        first_name="Lucas",
        last_name="Pereira",
        email="Lucas@Example.com",
        tags_text="VIP, frota , vip",
        phones=[("(11) 98765-4321", "Mobile"), ("+1 650 253 0000", "Work")],
    )
    response = signed_in.post("/clients/new/", data)
    created = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{created.pk}/"
    assert created.display_name == "Lucas Pereira"
    assert created.email == "lucas@example.com"
    assert created.created_by == manager
    assert [(p.number, p.label) for p in created.phones.all()] == [
        ("+5511987654321", "Mobile"),
        ("+16502530000", "Work"),
    ]
    assert sorted(t.name for t in created.tags.all()) == ["VIP", "frota"]
    page = signed_in.get(response["Location"]).content.decode()
    assert "Client created." in page
    assert "(11) 98765-4321" in page


def test_new_client_form_proposes_the_employee_as_manager(signed_in, manager, admin):
    select = by_id(signed_in.get("/clients/new/"), "id_manager")
    options = [e for e in _walk(select) if e.name == "option"]
    chosen = [_attr(o, "value") for o in options if "selected" in dict(o.attributes)]
    assert chosen == [str(manager.pk)]


def test_create_an_organization(signed_in):
    response = signed_in.post(
        "/clients/new/", form_data(kind="organization", name="Oficina do Zé", tax_id="123")
    )
    assert response.status_code == 302
    assert Client.objects.get().display_name == "Oficina do Zé"


def test_a_person_without_first_name_is_refused_next_to_the_field(signed_in):
    response = signed_in.post("/clients/new/", form_data(last_name="Only", phones=[PHONE]))
    assert response.status_code == 200
    assert field_errors(response, "first_name") == ["A person needs a first name."]
    assert not Client.objects.exists()
    assert not ClientPhone.objects.exists()


def test_an_organization_without_name_is_refused(signed_in):
    response = signed_in.post("/clients/new/", form_data(kind="organization", first_name="X"))
    assert field_errors(response, "name") == ["An organization needs a name."]
    assert not Client.objects.exists()


def test_a_bad_phone_is_refused_next_to_the_phone(signed_in):
    data = form_data(first_name="Marta", phones=[PHONE, "12345"])
    response = signed_in.post("/clients/new/", data)
    assert response.status_code == 200
    assert phone_errors(response, 0) == []
    assert phone_errors(response, 1) == ["“12345” is not a valid phone number."]
    assert input_value(response, "phones-1-number") == "12345"  # what was typed is kept
    assert not Client.objects.exists()


def test_the_same_phone_twice_is_refused(signed_in):
    data = form_data(first_name="Marta", phones=[PHONE, "(11) 98765-4321"])
    response = signed_in.post("/clients/new/", data)
    assert phone_errors(response, 1) == ["The same number is listed twice."]
    assert not Client.objects.exists()


def test_a_bad_email_is_refused_next_to_the_field(signed_in):
    response = signed_in.post("/clients/new/", form_data(first_name="Nina", email="nina@"))
    assert response.status_code == 200
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert input_value(response, "email") == "nina@"
    assert not Client.objects.exists()


def test_a_discount_over_100_percent_is_refused(signed_in):
    response = signed_in.post("/clients/new/", form_data(first_name="Nina", discount_goods="150"))
    assert field_errors(response, "discount_goods")
    assert not Client.objects.exists()


def test_create_warns_about_a_phone_of_another_client(signed_in, ana):
    data = form_data(first_name="Outra", last_name="Pessoa", phones=["11 98765-4321"])
    response = signed_in.post("/clients/new/", data)
    assert response.status_code == 200
    warning = by_id(response, "duplicates")
    assert "Ana Souza" in _text(warning)
    assert "(11) 98765-4321" in _text(warning)
    assert f'href="/clients/{ana.pk}/"' in response.content.decode()
    assert Client.objects.count() == 1
    assert input_value(response, "confirm_duplicates") == "True"

    confirmed = signed_in.post("/clients/new/", {**data, "confirm_duplicates": "True"})
    assert confirmed.status_code == 302
    assert Client.objects.count() == 2
    assert ClientPhone.objects.filter(number=PHONE).count() == 2


def test_create_warns_about_an_email_of_another_client(signed_in, ana):
    data = form_data(first_name="Outra", email="ANA@example.com")
    response = signed_in.post("/clients/new/", data)
    assert "Ana Souza" in _text(by_id(response, "duplicates"))
    assert "ana@example.com" in _text(by_id(response, "duplicates"))
    assert Client.objects.count() == 1
    signed_in.post("/clients/new/", {**data, "confirm_duplicates": "True"})
    assert Client.objects.count() == 2


def test_no_warning_without_duplicates(signed_in, ana):
    response = signed_in.post(
        "/clients/new/", form_data(first_name="Única", phones=["11912345678"])
    )
    assert response.status_code == 302


# --- the profile and its General tab --------------------------------------------------------


def test_profile_shows_header_tab_strip_and_general_form(signed_in, ana, manager):
    ana.manager = manager
    ana.save()
    response = signed_in.get(f"/clients/{ana.pk}/")
    assert response.status_code == 200
    header = _text(by_id(response, "profile-head"))
    assert "Ana Souza" in header
    assert "Person" in header
    assert "(11) 98765-4321" in header
    assert manager.full_name in header
    html = response.content.decode()
    assert 'id="profile-tabs"' in html
    assert input_value(response, "first_name") == "Ana"
    assert input_value(response, "phones-0-number") == "(11) 98765-4321"


def test_general_tab_url_gives_the_whole_page(signed_in, ana):
    response = signed_in.get(f"/clients/{ana.pk}/general/")
    html = response.content.decode()
    assert "<html" in html
    assert 'id="profile-tabs"' in html
    tab = next(e for e in _walk(dom(response)) if _attr(e, "aria-current") == "page")
    assert _attr(tab, "href") == f"/clients/{ana.pk}/general/"
    assert input_value(response, "first_name") == "Ana"


def test_htmx_gets_only_the_tab(signed_in, ana):
    response = signed_in.get(f"/clients/{ana.pk}/general/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="profile-tabs"' not in html
    assert 'id="profile-head"' not in html
    assert input_value(response, "first_name") == "Ana"
    assert "HX-Request" in response.get("Vary", "")


def test_htmx_history_restore_gets_the_whole_page(signed_in, ana):
    response = signed_in.get(
        f"/clients/{ana.pk}/general/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'id="profile-tabs"' in html


def test_htmx_save_on_general_tab(signed_in, ana):
    data = edit_data(ana, first_name="Anabela", notes="Prefers WhatsApp")
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Changes saved." in html
    assert "<html" not in html
    # The header is refreshed out of band with the new name.
    header = by_id(response, "profile-head")
    assert _attr(header, "hx-swap-oob") == "true"
    assert "Anabela Souza" in _text(header)
    ana.refresh_from_db()
    assert (ana.first_name, ana.notes) == ("Anabela", "Prefers WhatsApp")
    assert [p.number for p in ana.phones.all()] == [PHONE]


def test_plain_save_redirects_back_to_the_tab(signed_in, ana):
    data = edit_data(ana, last_name="Souza Lima", phones=[("(21) 99876-5432", "Casa")])
    response = signed_in.post(f"/clients/{ana.pk}/general/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{ana.pk}/general/"
    page = signed_in.get(response["Location"])
    assert "Changes saved." in page.content.decode()
    assert input_value(page, "last_name") == "Souza Lima"
    ana.refresh_from_db()
    assert ana.display_name == "Ana Souza Lima"
    assert [(p.number, p.label) for p in ana.phones.all()] == [("+5521998765432", "Casa")]


def test_remove_a_phone(signed_in, ana):
    ClientPhoneFactory(client=ana, number="+5521998765432", label="Casa")
    data = edit_data(ana)
    data["phones-0-DELETE"] = "on"
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    assert "Changes saved." in response.content.decode()
    assert [p.number for p in ana.phones.all()] == ["+5521998765432"]


def test_header_refreshed_after_save_keeps_archive_and_delete(as_admin, ana):
    page = as_admin.get(f"/clients/{ana.pk}/")
    header = by_id(page, "profile-head")
    actions = {_attr(f, "action") for f in _walk(header) if f.name == "form"}
    assert actions == {f"/clients/{ana.pk}/archive/", f"/clients/{ana.pk}/delete/"}

    response = as_admin.post(f"/clients/{ana.pk}/general/", edit_data(ana, notes="x"), **HTMX)
    # This header replaces the page's one (hx-swap-oob): the buttons must not vanish.
    header = by_id(response, "profile-head")
    assert _attr(header, "hx-swap-oob") == "true"
    assert {_attr(f, "action") for f in _walk(header) if f.name == "form"} == actions


def test_edit_tags_and_flags(signed_in, ana):
    data = edit_data(ana, tags_text="VIP, Frota", conflicted=True, supplier=True)
    signed_in.post(f"/clients/{ana.pk}/general/", data)
    ana.refresh_from_db()
    assert sorted(t.name for t in ana.tags.all()) == ["Frota", "VIP"]
    assert ana.conflicted and ana.supplier
    data = edit_data(ana, tags_text="", conflicted=False)
    signed_in.post(f"/clients/{ana.pk}/general/", data)
    ana.refresh_from_db()
    assert list(ana.tags.all()) == []
    assert not ana.conflicted


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_edit_errors_show_next_to_fields_and_save_nothing(signed_in, ana, headers):
    data = edit_data(ana, first_name="", email="not-an-email", notes="changed")
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **headers)
    assert response.status_code == 200
    assert field_errors(response, "first_name") == ["A person needs a first name."]
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert "Please correct the highlighted fields." in response.content.decode()
    assert "Changes saved." not in response.content.decode()
    ana.refresh_from_db()
    assert (ana.first_name, ana.email, ana.notes) == ("Ana", "ana@example.com", "")


def test_edit_with_a_bad_phone_saves_nothing(signed_in, ana):
    data = edit_data(ana, first_name="Changed", phones=["abc"])
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    assert phone_errors(response, 0) == ["“abc” is not a valid phone number."]
    ana.refresh_from_db()
    assert ana.first_name == "Ana"
    assert [p.number for p in ana.phones.all()] == [PHONE]


def test_edit_warns_about_a_phone_of_another_client(signed_in, ana):
    bruno = ClientFactory(first_name="Bruno", last_name="Lima")
    data = edit_data(bruno, phones=["(11) 98765-4321"])
    response = signed_in.post(f"/clients/{bruno.pk}/general/", data, **HTMX)
    assert "Ana Souza" in _text(by_id(response, "duplicates"))
    assert not bruno.phones.exists()
    signed_in.post(f"/clients/{bruno.pk}/general/", {**data, "confirm_duplicates": "True"})
    assert [p.number for p in bruno.phones.all()] == [PHONE]


def test_saving_a_client_does_not_warn_about_itself(signed_in, ana):
    response = signed_in.post(f"/clients/{ana.pk}/general/", edit_data(ana, notes="x"), **HTMX)
    assert "Possible duplicate" not in response.content.decode()
    ana.refresh_from_db()
    assert ana.notes == "x"


def test_unknown_client_is_404(signed_in):
    assert signed_in.get("/clients/999999/").status_code == 404
    assert signed_in.get("/clients/999999/general/").status_code == 404


def test_unknown_tab_is_404(signed_in, ana):
    assert signed_in.get(f"/clients/{ana.pk}/nonsense/").status_code == 404
    assert signed_in.get(f"/clients/{ana.pk}/nonsense/", **HTMX).status_code == 404


@pytest.fixture
def only_general_tab(monkeypatch):
    """The registry as this issue ships it, whatever later apps register in the same tree."""
    monkeypatch.setattr(profile, "_tabs", {"general": profile._tabs["general"]})


@pytest.mark.parametrize(
    "slug", ["balance", "leads", "assets", "documents", "payments", "communications"]
)
def test_tabs_not_registered_yet_are_404(signed_in, ana, only_general_tab, slug):
    assert signed_in.get(f"/clients/{ana.pk}/{slug}/").status_code == 404
    tabs = _tab_links(signed_in.get(f"/clients/{ana.pk}/"))
    assert [_text(t) for t in tabs] == ["General"]


def test_a_tab_registered_by_another_app_gets_its_own_url(
    signed_in, ana, only_general_tab, specialist, client
):
    from django.http import HttpResponse

    def notes_view(request, some_client):
        return HttpResponse(f"<p id='notes-tab'>Notes of {some_client.pk}</p>")

    profile.register_tab(
        ProfileTab(
            slug="notes",
            label="Notes",
            order=20,
            view=notes_view,
            permission="clients.export",
            count=lambda c, employee: 7,
        )
    )
    page = signed_in.get(f"/clients/{ana.pk}/notes/")
    tabs = _tab_links(page)
    assert [_text(t) for t in tabs] == ["General", "Notes 7"]
    assert [_attr(t, "aria-current") for t in tabs] == [None, "page"]
    assert f"Notes of {ana.pk}" in _text(by_id(page, "tab-content"))
    partial = signed_in.get(f"/clients/{ana.pk}/notes/", **HTMX).content.decode()
    assert partial == f"<p id='notes-tab'>Notes of {ana.pk}</p>"
    # A role without the tab's permission neither sees nor opens it.
    client.force_login(specialist)
    assert client.get(f"/clients/{ana.pk}/notes/").status_code == 404
    tabs = _tab_links(client.get(f"/clients/{ana.pk}/"))
    assert [_text(t) for t in tabs] == ["General"]


# --- permissions ----------------------------------------------------------------------------


def test_specialist_views_but_cannot_delete_or_archive(client, specialist, ana):
    client.force_login(specialist)
    assert client.get("/clients/").status_code == 200
    page = client.get(f"/clients/{ana.pk}/")
    assert page.status_code == 200
    assert f"/clients/{ana.pk}/delete/" not in page.content.decode()
    assert client.post(f"/clients/{ana.pk}/delete/").status_code == 403
    assert client.post(f"/clients/{ana.pk}/archive/", {"archived": "1"}).status_code == 403
    ana.refresh_from_db()
    assert not ana.archived
    assert Client.objects.filter(pk=ana.pk).exists()
    assert ClientPhone.objects.filter(client=ana).exists()


def test_manager_cannot_delete_either(signed_in, ana):
    assert signed_in.post(f"/clients/{ana.pk}/delete/").status_code == 403
    assert Client.objects.filter(pk=ana.pk).exists()


@pytest.fixture
def no_clients_employee(make_employee):
    role = Role.objects.create(name="Cashier only", permissions=["ledger.accept_advance"])
    return make_employee(role=role, login="cashier")


def test_role_without_view_gets_403(client, no_clients_employee, ana):
    client.force_login(no_clients_employee)
    assert client.get("/clients/").status_code == 403
    assert client.get(f"/clients/{ana.pk}/").status_code == 403
    assert client.get(f"/clients/{ana.pk}/general/", **HTMX).status_code == 403
    assert client.get("/clients/duplicates/?email=ana@example.com").status_code == 403
    assert client.get("/clients/new/").status_code == 403


def test_role_without_view_cannot_post_edits(client, no_clients_employee, ana):
    client.force_login(no_clients_employee)
    response = client.post(f"/clients/{ana.pk}/general/", edit_data(ana, first_name="X"))
    assert response.status_code == 403
    ana.refresh_from_db()
    assert ana.first_name == "Ana"


def test_view_only_role_sees_a_read_only_form_and_cannot_save(client, make_employee, ana):
    role = Role.objects.create(name="Viewer", permissions=["clients.view"])
    client.force_login(make_employee(role=role, login="viewer"))
    page = client.get(f"/clients/{ana.pk}/general/")
    assert page.status_code == 200
    first_name = next(
        e for e in _walk(dom(page)) if e.name == "input" and _attr(e, "name") == "first_name"
    )
    assert "disabled" in dict(first_name.attributes)
    assert ">Save<" not in page.content.decode()
    assert client.get("/clients/new/").status_code == 403
    response = client.post(f"/clients/{ana.pk}/general/", edit_data(ana, first_name="X"))
    assert response.status_code == 403
    ana.refresh_from_db()
    assert ana.first_name == "Ana"


# --- archive, restore, delete ---------------------------------------------------------------


def test_archive_and_restore(as_admin, ana):
    response = as_admin.post(f"/clients/{ana.pk}/archive/", {"archived": "1"})
    assert response["Location"] == f"/clients/{ana.pk}/"
    ana.refresh_from_db()
    assert ana.archived
    page = as_admin.get(f"/clients/{ana.pk}/")
    assert "Client archived." in page.content.decode()
    assert "badge-archived" in page.content.decode()
    assert list_names(as_admin.get("/clients/")) == []
    assert list_names(as_admin.get("/clients/?archived=true")) == ["Ana Souza"]

    as_admin.post(f"/clients/{ana.pk}/archive/", {"archived": "0"})
    ana.refresh_from_db()
    assert not ana.archived
    assert list_names(as_admin.get("/clients/")) == ["Ana Souza"]


def test_delete(as_admin, ana):
    assert as_admin.get(f"/clients/{ana.pk}/delete/").status_code == 405
    response = as_admin.post(f"/clients/{ana.pk}/delete/")
    assert response["Location"] == "/clients/"
    assert not Client.objects.filter(pk=ana.pk).exists()
    assert not ClientPhone.objects.exists()
    assert "Client deleted." in as_admin.get("/clients/").content.decode()
    assert as_admin.get(f"/clients/{ana.pk}/").status_code == 404


def test_delete_refused_by_a_guard_keeps_the_client(as_admin, ana, monkeypatch):
    from clients import services

    monkeypatch.setattr(services, "_delete_guards", [lambda c: "It has payments."])
    response = as_admin.post(f"/clients/{ana.pk}/delete/", follow=True)
    assert "It has payments." in response.content.decode()
    assert Client.objects.filter(pk=ana.pk).exists()


# --- the live duplicate check ---------------------------------------------------------------


def test_live_duplicate_check_by_phone(signed_in, ana):
    response = signed_in.get("/clients/duplicates/", {"phones-0-number": "(11) 98765-4321"})
    assert response.status_code == 200
    assert "Ana Souza" in _text(by_id(response, "duplicates"))
    assert f'href="/clients/{ana.pk}/"' in response.content.decode()


def test_live_duplicate_check_by_email(signed_in, ana):
    response = signed_in.get("/clients/duplicates/", {"email": " Ana@Example.com "})
    assert "Ana Souza" in _text(by_id(response, "duplicates"))


def test_live_duplicate_check_ignores_the_client_being_edited(signed_in, ana):
    response = signed_in.get(
        "/clients/duplicates/",
        {"phones-0-number": PHONE, "email": "ana@example.com", "client_id": str(ana.pk)},
    )
    assert _text(by_id(response, "duplicates")) == ""


def test_live_duplicate_check_is_quiet_for_new_values_and_garbage(signed_in, ana):
    response = signed_in.get(
        "/clients/duplicates/",
        {"phones-0-number": "not a phone", "email": "new@example.com", "client_id": "abc"},
    )
    assert response.status_code == 200
    assert _text(by_id(response, "duplicates")) == ""


# --- escaping -------------------------------------------------------------------------------

EVIL = "<script>alert('x')</script>"


def test_html_in_a_name_is_escaped_everywhere(signed_in):
    evil = ClientFactory(first_name=EVIL, last_name='<img src=x onerror="alert(1)">')
    ClientPhoneFactory(client=evil, number=PHONE)
    pages = [
        signed_in.get("/clients/"),
        signed_in.get("/clients/", {"search": "alert"}, **HTMX),
        signed_in.get(f"/clients/{evil.pk}/"),
        signed_in.get(f"/clients/{evil.pk}/general/", **HTMX),
        signed_in.post(f"/clients/{evil.pk}/general/", edit_data(evil, notes="n"), **HTMX),
        signed_in.get("/clients/duplicates/", {"phones-0-number": PHONE}),
        signed_in.post("/clients/new/", form_data(first_name="Copy", phones=[PHONE])),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html


# --- settings: marketing sources and custom fields ------------------------------------------


def test_admin_creates_and_edits_a_marketing_source(as_admin):
    response = as_admin.post(
        "/settings/marketing-sources/new/", {"name": "  Google   Ads ", "active": "on"}
    )
    assert response["Location"] == "/settings/marketing-sources/"
    source = AdCampaign.objects.get()
    assert (source.name, source.active) == ("Google Ads", True)
    assert input_value(as_admin.get(f"/settings/marketing-sources/{source.pk}/"), "name") == (
        "Google Ads"
    )

    as_admin.post(f"/settings/marketing-sources/{source.pk}/", {"name": "Instagram"})
    source.refresh_from_db()
    assert (source.name, source.active) == ("Instagram", False)


def test_admin_sees_the_settings_lists(as_admin):
    AdCampaignFactory(name="Google Ads")
    CustomFieldFactory(label="License plate", key="plate")
    sources = as_admin.get("/settings/marketing-sources/")
    assert sources.status_code == 200
    assert "Google Ads" in sources.content.decode()
    fields = as_admin.get("/settings/custom-fields/")
    assert fields.status_code == 200
    assert "License plate" in fields.content.decode()


def test_duplicate_marketing_source_is_refused(as_admin):
    AdCampaignFactory(name="Instagram")
    response = as_admin.post("/settings/marketing-sources/new/", {"name": "instagram"})
    assert field_errors(response, "name") == ["A marketing source with this name already exists."]
    assert AdCampaign.objects.count() == 1


def test_marketing_source_appears_in_the_client_form(signed_in, ana):
    AdCampaignFactory(name="Radio")
    AdCampaignFactory(name="Old flyer", active=False)
    html = signed_in.get(f"/clients/{ana.pk}/general/").content.decode()
    assert "Radio" in html
    assert "Old flyer" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/settings/marketing-sources/",
        "/settings/marketing-sources/new/",
        "/settings/custom-fields/",
        "/settings/custom-fields/new/",
    ],
)
def test_manager_gets_403_on_settings(signed_in, path):
    assert signed_in.get(path).status_code == 403


def test_manager_cannot_post_settings(signed_in):
    source = AdCampaignFactory(name="Radio")
    field = CustomFieldFactory(label="Plate")
    assert signed_in.post("/settings/marketing-sources/new/", {"name": "X"}).status_code == 403
    assert (
        signed_in.post(f"/settings/marketing-sources/{source.pk}/", {"name": "Y"}).status_code
        == 403
    )
    response = signed_in.post(
        "/settings/custom-fields/new/", {"label": "Z", "key": "z", "kind": "text", "position": 0}
    )
    assert response.status_code == 403
    assert (
        signed_in.post(
            f"/settings/custom-fields/{field.pk}/",
            {"label": "Changed", "kind": "text", "position": 0},
        ).status_code
        == 403
    )
    assert list(AdCampaign.objects.values_list("name", flat=True)) == ["Radio"]
    assert list(CustomField.objects.values_list("label", flat=True)) == ["Plate"]


def _custom_field_data(**overrides) -> dict:
    data = {
        "label": "Vehicle",
        "key": "vehicle",
        "kind": "choice",
        "position": "0",
        "active": "on",
        "choices_text": "Car\nMotorbike\n\n",
    }
    data.update(overrides)
    return data


def test_admin_creates_and_edits_a_custom_field(as_admin):
    response = as_admin.post("/settings/custom-fields/new/", _custom_field_data())
    assert response["Location"] == "/settings/custom-fields/"
    field = CustomField.objects.get()
    assert (field.key, field.kind, field.choices) == ("vehicle", "choice", ["Car", "Motorbike"])

    edit = _custom_field_data(label="Vehicle type", key="renamed", choices_text="Car\nTruck")
    as_admin.post(f"/settings/custom-fields/{field.pk}/", edit)
    field.refresh_from_db()
    assert (field.label, field.key, field.choices) == ("Vehicle type", "vehicle", ["Car", "Truck"])


def test_a_choice_field_needs_options(as_admin):
    response = as_admin.post("/settings/custom-fields/new/", _custom_field_data(choices_text=""))
    assert field_errors(response, "choices_text") == ["A choice field needs at least one option."]
    assert not CustomField.objects.exists()


def test_custom_field_defined_in_settings_is_edited_on_general_tab(as_admin, ana):
    as_admin.post("/settings/custom-fields/new/", _custom_field_data())
    page = as_admin.get(f"/clients/{ana.pk}/general/")
    block = _text(by_id(page, "field-cf_vehicle"))
    assert "Vehicle" in block
    assert "Motorbike" in block

    response = as_admin.post(
        f"/clients/{ana.pk}/general/", edit_data(ana, cf_vehicle="Motorbike"), **HTMX
    )
    assert "Changes saved." in response.content.decode()
    ana.refresh_from_db()
    assert ana.custom_fields == {"vehicle": "Motorbike"}
    page = as_admin.get(f"/clients/{ana.pk}/general/")
    selected = [
        e
        for e in _walk(by_id(page, "field-cf_vehicle"))
        if e.name == "option" and "selected" in dict(e.attributes)
    ]
    assert [_attr(o, "value") for o in selected] == ["Motorbike"]


def test_custom_choice_rejects_an_unknown_option(signed_in, ana):
    CustomFieldFactory(key="vehicle", label="Vehicle", kind="choice", choices=["Car", "Bike"])
    data = edit_data(ana, cf_vehicle="Boat", notes="should not be saved")
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    errors = field_errors(response, "cf_vehicle")
    assert len(errors) == 1
    assert "Boat" in errors[0]
    ana.refresh_from_db()
    assert ana.custom_fields == {}
    assert ana.notes == ""


def test_custom_number_and_required_fields_are_validated(signed_in, ana):
    CustomFieldFactory(key="mileage", label="Mileage", kind="number")
    CustomFieldFactory(key="plate", label="Plate", kind="text", required=True)
    data = edit_data(ana, cf_mileage="lots", cf_plate="")
    response = signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    assert field_errors(response, "cf_mileage")
    assert field_errors(response, "cf_plate") == ["This field is required."]
    ana.refresh_from_db()
    assert ana.custom_fields == {}

    data = edit_data(ana, cf_mileage="12500.5", cf_plate=" ABC1D23 ")
    signed_in.post(f"/clients/{ana.pk}/general/", data, **HTMX)
    ana.refresh_from_db()
    assert ana.custom_fields == {"mileage": "12500.5", "plate": "ABC1D23"}
    assert Decimal(ana.custom_fields["mileage"]) == Decimal("12500.5")


def test_inactive_custom_field_is_not_shown(signed_in, ana):
    CustomFieldFactory(key="legacy", label="Legacy code", active=False)
    html = signed_in.get(f"/clients/{ana.pk}/general/").content.decode()
    assert "Legacy code" not in html
