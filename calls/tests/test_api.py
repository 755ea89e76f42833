"""``/api/v1/calls/``: calls, read only, filtered by client and direction, scoped like the
pages; ``recording_url`` only with the recordings permission."""

import pytest

from calls import services
from calls.tests.factories import CallFactory, wav_bytes
from calls.tests.helpers import employee_with
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(manager):
    ana, bruno = ClientFactory(first_name="Ana"), ClientFactory(first_name="Bruno")
    recorded = CallFactory(client=ana, employee=manager)
    services.call_recording_attach(call=recorded, content=wav_bytes(0.1))
    return {
        "recorded": recorded,
        "out": CallFactory(client=ana, direction="outgoing"),
        "bruno": CallFactory(client=bruno),
        "nobody": CallFactory(),
        "ana": ana,
    }


def test_list_and_detail(api_as, manager, calls):
    api = api_as(manager)
    response = api.get("/api/v1/calls/")
    assert response.status_code == 200
    assert response.json()["count"] == 4
    detail = api.get(f"/api/v1/calls/{calls['recorded'].pk}/").json()
    call = calls["recorded"]
    assert detail == {
        "id": call.pk,
        "provider": "generic",
        "provider_id": call.provider_id,
        "direction": "incoming",
        "status": "answered",
        "from": call.from_number,
        "to": call.to_number,
        "client": calls["ana"].pk,
        "client_name": "Ana " + calls["ana"].last_name,
        "employee": manager.pk,
        "started_at": detail["started_at"],
        "duration": 65,
        "recording_url": f"http://testserver/calls/{call.pk}/recording/",
    }


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"client": "ana"}, {"recorded", "out"}),
        ({"direction": "incoming"}, {"recorded", "bruno", "nobody"}),
        ({"direction": "outgoing"}, {"out"}),
        ({"client": "ana", "direction": "outgoing"}, {"out"}),
    ],
)
def test_filters(api_as, manager, calls, params, expected):
    if "client" in params:
        params = {**params, "client": calls["ana"].pk}
    ids = {row["id"] for row in api_as(manager).get("/api/v1/calls/", params).json()["results"]}
    assert ids == {calls[name].pk for name in expected}


@pytest.mark.parametrize("params", [{"direction": "sideways"}, {"client": "abc"}])
def test_a_bad_filter_is_400(api_as, manager, calls, params):
    assert api_as(manager).get("/api/v1/calls/", params).status_code == 400


def test_without_the_recordings_permission_recording_url_is_null(api_as, specialist, calls):
    detail = api_as(specialist).get(f"/api/v1/calls/{calls['recorded'].pk}/").json()
    assert detail["recording_url"] is None


def test_without_clients_view_nothing(api_as, calls):
    nobody = employee_with("communications.recordings")
    assert api_as(nobody).get("/api/v1/calls/").status_code == 403
    assert api_as(nobody).get(f"/api/v1/calls/{calls['recorded'].pk}/").status_code == 403


def test_signed_out_is_401(api_client, calls):
    assert api_client.get("/api/v1/calls/").status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(api_as, manager, calls, method):
    url = f"/api/v1/calls/{calls['recorded'].pk}/" if method != "post" else "/api/v1/calls/"
    response = getattr(api_as(manager), method)(url, {}, format="json")
    assert response.status_code == 405
