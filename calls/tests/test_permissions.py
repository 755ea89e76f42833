"""Who may do what with calls: each permission set and each page and endpoint. A denied
request answers 403 (404 where the object is outside the employee's scope) and changes
nothing; signed out, pages redirect to the login and the API answers 401."""

import pytest

from calls import services
from calls.tests.factories import CallFactory, wav_bytes
from calls.tests.helpers import employee_with, snapshot
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

VIEW, RECORDINGS = "clients.view", "communications.recordings"

# (url, permissions it needs, status when denied)
ENDPOINTS = [
    ("/calls/", (VIEW,), 403),
    ("/clients/{client}/communications/?section=calls", (VIEW,), 404),
    ("/calls/{call}/recording/", (VIEW, RECORDINGS), 403),
    ("/calls/{call}/recording/?download=1", (VIEW, RECORDINGS), 403),
    ("/api/v1/calls/", (VIEW,), 403),
    ("/api/v1/calls/{call}/", (VIEW,), 403),
]
GRANTS = [(), (VIEW,), (RECORDINGS,), (VIEW, RECORDINGS)]


@pytest.fixture
def objects(db):
    ana = ClientFactory(first_name="Ana")
    call = CallFactory(client=ana)
    services.call_recording_attach(call=call, content=wav_bytes(0.1))
    return {"client": ana.pk, "call": call.pk}


@pytest.mark.parametrize("grants", GRANTS, ids=lambda g: "+".join(g) or "nothing")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e[0])
def test_permission_matrix(client, api_as, objects, endpoint, grants):
    url, needs, denied = endpoint
    url = url.format(**objects)
    employee = employee_with(*grants)
    if url.startswith("/api/"):
        http = api_as(employee)
    else:
        http = client
        client.force_login(employee)
    before = snapshot()
    response = http.get(url)
    allowed = set(needs) <= set(grants)
    if allowed:
        assert response.status_code == 200, (url, grants)
    elif "/recording/" in url and RECORDINGS in grants:
        # May hear recordings but not see the call's client: the call is outside the scope.
        assert response.status_code == 404
    elif url.startswith("/clients/") and VIEW not in grants:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == denied, (url, grants, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("role,player", [("admin", True), ("manager", True), ("specialist", False)])
def test_builtin_roles(client, make_employee, objects, role, player):
    client.force_login(make_employee(role))
    html = client.get(f"/clients/{objects['client']}/communications/?section=calls").content
    assert (b"<audio" in html) is player
    status = client.get(f"/calls/{objects['call']}/recording/").status_code
    assert status == (200 if player else 403)


@pytest.mark.parametrize("url", ["/calls/", "/calls/{call}/recording/"])
def test_signed_out_pages_redirect_to_the_login(client, objects, url):
    response = client.get(url.format(**objects))
    assert response.status_code == 302 and "login" in response["Location"]
