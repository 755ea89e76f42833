"""The recording file view answers Range requests: 206 with Content-Range for one range,
416 for one it cannot satisfy, the whole file (200) otherwise."""

import pytest
from django.core.files.storage import default_storage

from calls import services
from calls.ranges import Unsatisfiable, parse_range
from calls.tests.factories import CallFactory, wav_bytes

pytestmark = pytest.mark.django_db

AUDIO = wav_bytes(0.1)  # 1,644 bytes
SIZE = len(AUDIO)


@pytest.fixture
def url(manager):
    call = CallFactory()
    services.call_recording_attach(call=call, content=AUDIO)
    return call.get_recording_url()


@pytest.fixture
def http(client, manager):
    client.force_login(manager)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_without_range_the_whole_file(http, url):
    response = http.get(url)
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/wav"
    assert response["Content-Disposition"].startswith("inline")
    assert "Content-Range" not in response
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "header,start,end",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=-50", SIZE - 50, SIZE - 1),
        ("bytes=0-0", 0, 0),
        ("bytes=1000-999999", 1000, SIZE - 1),  # the end is clipped to the file
        ("bytes=-999999", 0, SIZE - 1),
        ("bytes = 5 - 9", 5, 9),
    ],
)
def test_one_range_is_206_with_its_bytes(http, url, header, start, end):
    response = http.get(url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert body(response) == AUDIO[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    "header", [f"bytes={SIZE}-", "bytes=99999-", "bytes=9-3", "bytes=-0", "bytes=abc", "bytes=-"]
)
def test_an_unsatisfiable_or_malformed_range_is_416(http, url, header):
    response = http.get(url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=0-9,20-29", "items=0-9", "bytes"])
def test_several_ranges_or_another_unit_get_the_whole_file(http, url, header):
    response = http.get(url, HTTP_RANGE=header)
    assert response.status_code == 200 and body(response) == AUDIO


def test_if_range_with_a_stale_etag_gets_the_whole_file(http, url):
    etag = http.get(url)["ETag"]
    fresh = http.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    stale = http.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert stale.status_code == 200 and body(stale) == AUDIO


def test_download_is_an_attachment_with_a_name(http, url):
    response = http.get(url + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="call-')
    assert response["Content-Disposition"].endswith('.wav"')


def test_head_gives_the_headers_without_a_body(http, url):
    response = http.head(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and response["Content-Length"] == "100"
    assert body(response) == b""


def test_the_file_is_not_reachable_through_media_url(http, url):
    from calls.models import Call

    name = Call.objects.get().recording.name
    assert default_storage.exists(name)
    assert http.get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize(
    "header,expected",
    [
        (None, None),
        ("", None),
        ("bytes=0-", (0, 9)),
        ("bytes=3-5", (3, 5)),
        ("bytes=-3", (7, 9)),
        ("bytes=0-100", (0, 9)),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 10) == expected


def test_an_empty_file_has_no_satisfiable_range():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-5", 0)


def test_the_downloaded_file_is_named_with_the_shops_clock(http, manager, settings):
    """A call at 23:30 in São Paulo on 1 March is 02:30 UTC on 2 March: the file says the
    shop's date and time, as the Calls page does."""
    from datetime import UTC, datetime

    settings.TIME_ZONE = "America/Sao_Paulo"
    call = CallFactory(started_at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC))
    services.call_recording_attach(call=call, content=AUDIO)
    response = http.get(call.get_recording_url() + "?download=1")
    assert response["Content-Disposition"] == (
        f'attachment; filename="call-{call.pk}-20260301-2330.wav"'
    )
