"""The Communications tab frame: it shows the sections an employee may see, opens the one
asked for, and is absent for an employee who may see none."""

import pytest
from django.http import HttpResponse
from django.utils.html import escape

from clients.tests.factories import ClientFactory
from communications import sections
from communications.sections import Section

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def section_view(name):
    def view(request, client):
        part = request.GET.get("part", "")
        return HttpResponse(f"<p data-body='{name}'>{escape(client.display_name)} {part}</p>")

    return view


@pytest.fixture
def two_sections():
    saved = dict(sections._sections)
    sections._sections.clear()
    sections.register_section(
        Section("beta", "Beta", 20, section_view("beta"), allowed=lambda e: True)
    )
    sections.register_section(
        Section(
            "alpha",
            "Alpha",
            10,
            section_view("alpha"),
            allowed=lambda e: e.has_perm("core.settings"),
        )
    )
    yield
    sections._sections.clear()
    sections._sections.update(saved)


@pytest.fixture
def no_sections():
    saved = dict(sections._sections)
    sections._sections.clear()
    yield
    sections._sections.update(saved)


def test_the_tab_lists_the_visible_sections_in_order_and_opens_the_first(
    client, admin, two_sections
):
    ana = ClientFactory(first_name="Ana")
    client.force_login(admin)
    html = client.get(f"/clients/{ana.pk}/communications/", **HX).content.decode()
    assert html.index('data-section="alpha"') < html.index('data-section="beta"')
    assert "data-body='alpha'" in html and 'aria-current="page"' in html
    page = client.get(f"/clients/{ana.pk}/communications/?section=beta").content.decode()
    assert "data-body='beta'" in page and f'href="/clients/{ana.pk}/communications/"' in page


def test_an_unknown_or_hidden_section_falls_back_to_a_visible_one(client, manager, two_sections):
    ana = ClientFactory()
    client.force_login(manager)  # no core.settings: alpha is hidden
    html = client.get(f"/clients/{ana.pk}/communications/?section=alpha", **HX).content
    assert b"data-body='beta'" in html and b'data-section="alpha"' not in html
    html = client.get(f"/clients/{ana.pk}/communications/?section=nope", **HX).content
    assert b"data-body='beta'" in html


def test_a_part_request_gets_the_section_alone(client, admin, two_sections):
    ana = ClientFactory()
    client.force_login(admin)
    html = client.get(
        f"/clients/{ana.pk}/communications/?section=beta&part=list", **HX
    ).content.decode()
    assert html.startswith("<p data-body='beta'>") and "section-strip" not in html


def test_without_any_section_the_tab_is_not_there(client, admin, no_sections):
    ana = ClientFactory()
    client.force_login(admin)
    assert client.get(f"/clients/{ana.pk}/communications/").status_code == 404
    profile = client.get(f"/clients/{ana.pk}/").content.decode()
    assert f"/clients/{ana.pk}/communications/" not in profile


def test_the_tab_badge_counts_what_each_employee_may_see(client, manager, specialist):
    """Calls and SMS for everyone who may see them, conversations only with access."""
    from calls.tests.factories import CallFactory
    from conversations.tests.factories import ConversationFactory
    from sms.tests.factories import SmsMessageFactory

    ana = ClientFactory()
    CallFactory.create_batch(2, client=ana)
    SmsMessageFactory(client=ana)
    ConversationFactory(client=ana)
    ConversationFactory()  # another client's

    def badge(employee) -> str:
        client.force_login(employee)
        html = client.get(f"/clients/{ana.pk}/").content.decode()
        start = html.index(f'/clients/{ana.pk}/communications/"')
        return html[start : html.index("</a>", start)]

    assert 'badge-count">4<' in badge(manager)
    assert 'badge-count">3<' in badge(specialist)  # no conversation access
