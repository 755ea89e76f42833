"""The Calls section of a client's Communications tab and the shop's calls page: what they
show, their filters and pagination, and the recording player only for who may hear it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.tests.factories import CallFactory, wav_bytes
from calls.tests.helpers import employee_with
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def section_url(client, **params) -> str:
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return f"/clients/{client.pk}/communications/?section=calls{query}"


def rows(html: str) -> list[str]:
    return re.findall(r'data-call="(\d+)"', html)


@pytest.fixture
def ana(db):
    return ClientFactory(first_name="Ana", last_name="Souza")


@pytest.fixture
def calls(ana, manager):
    now = timezone.now()
    incoming = CallFactory(
        client=ana, started_at=now - timedelta(hours=2), employee=manager, duration=125
    )
    outgoing = CallFactory(
        client=ana,
        direction="outgoing",
        status="missed",
        started_at=now - timedelta(hours=1),
        from_number="+551133334444",
        to_number="+5511987654321",
    )
    services.call_recording_attach(call=incoming, content=wav_bytes(0.2))
    CallFactory()  # somebody else's
    return {"incoming": incoming, "outgoing": outgoing}


def test_the_section_lists_the_clients_calls_newest_first(client, manager, ana, calls):
    client.force_login(manager)
    response = client.get(section_url(ana))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="calls"' in html  # inside the Communications frame
    assert rows(html) == [str(calls["outgoing"].pk), str(calls["incoming"].pk)]
    assert "2:05" in html and "Incoming" in html and "Outgoing" in html and "Missed" in html
    assert manager.full_name in html
    assert '<audio controls preload="metadata"' in html
    assert calls["incoming"].get_recording_url() + "?download=1" in html


@pytest.mark.parametrize("direction,expected", [("incoming", "incoming"), ("outgoing", "outgoing")])
def test_the_section_filters_by_type(client, manager, ana, calls, direction, expected):
    client.force_login(manager)
    html = client.get(section_url(ana, direction=direction, part="calls"), **HX).content.decode()
    assert rows(html) == [str(calls[expected].pk)]
    assert 'class="section-strip"' not in html  # the section alone, for #section-content


def test_the_section_has_an_empty_state(client, manager, ana):
    client.force_login(manager)
    assert "No calls yet." in client.get(section_url(ana)).content.decode()
    html = client.get(section_url(ana, direction="incoming")).content.decode()
    assert "No incoming calls." in html


def test_the_section_ignores_a_bad_filter(client, manager, ana, calls):
    client.force_login(manager)
    html = client.get(section_url(ana, direction="sideways")).content.decode()
    assert len(rows(html)) == 2


def test_the_section_pages_25_calls(client, manager, ana):
    CallFactory.create_batch(30, client=ana)
    client.force_login(manager)
    first = client.get(section_url(ana)).content.decode()
    assert len(rows(first)) == 25 and "Page 1 of 2" in first
    assert "&amp;page=2&amp;part=calls" in first
    second = client.get(section_url(ana, page=2, part="calls"), **HX).content.decode()
    assert len(rows(second)) == 5


def test_without_the_recordings_permission_there_is_no_player(client, specialist, ana, calls):
    client.force_login(specialist)
    html = client.get(section_url(ana)).content.decode()
    assert len(rows(html)) == 2
    assert "<audio" not in html and "download=1" not in html
    assert "Recorded" in html
    assert client.get(calls["incoming"].get_recording_url()).status_code == 403


def test_without_clients_view_there_is_no_section(client, ana, calls):
    nobody = employee_with("communications.recordings")
    client.force_login(nobody)
    assert client.get(section_url(ana)).status_code in (403, 404)
    assert client.get("/calls/").status_code == 403
    # Recordings of a call they may not see: 404.
    assert client.get(calls["incoming"].get_recording_url()).status_code == 404


def test_the_calls_page_lists_every_call_with_its_client(client, manager, ana, calls):
    client.force_login(manager)
    response = client.get("/calls/")
    html = response.content.decode()
    assert response.status_code == 200 and len(rows(html)) == 3
    assert f"/clients/{ana.pk}/communications/?section=calls" in html
    assert 'href="/calls/"' in html  # the nav link


@pytest.mark.parametrize(
    "params,count",
    [
        ({"direction": "incoming"}, 2),
        ({"direction": "outgoing"}, 1),
        ({"status": "missed"}, 1),
        ({"search": "(11) 98765-4321"}, 1),
        ({"search": "4444"}, 3),
        ({"search": "no digits"}, 0),
        ({"direction": "bogus"}, 3),
    ],
)
def test_the_calls_page_filters(client, manager, calls, params, count):
    client.force_login(manager)
    html = client.get("/calls/", params, **HX).content.decode()
    assert len(rows(html)) == count
    assert "<html" not in html  # the results alone for htmx


def test_the_calls_page_nav_link_needs_clients_view(client, ana):
    nobody = employee_with("communications.recordings")
    client.force_login(nobody)
    html = client.get("/", follow=True).content.decode()
    assert 'href="/calls/"' not in html


def test_a_call_without_a_recording_has_no_file(client, manager, calls):
    client.force_login(manager)
    assert client.get(calls["outgoing"].get_recording_url()).status_code == 404
    assert client.get("/calls/999999/recording/").status_code == 404
