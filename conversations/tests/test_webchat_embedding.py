"""A site that has the chat's snippet but is not listed on the channel: the script shows its
visitors nothing, tells the site's owner why, and the channel's settings page names the
site — written at most once per site every few minutes, whatever the traffic."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import restore_builtin_roles
from conversations import embedding
from conversations.embedding import channel_embed_refused, embed_refusals
from conversations.models import Channel

from .factories import ChannelFactory

pytestmark = pytest.mark.django_db

LISTED = "https://www.myshop.com.br"
OTHER = "https://copycat.example"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel():
    return ChannelFactory(name="Oficina do Zé", allowed_origins=[LISTED])


def check(channel, origin: str | None, http=None):
    http = http or HttpClient()
    headers = {"HTTP_ORIGIN": origin} if origin is not None else {}
    return http.post(
        reverse("conversations:webchat_embed_check", args=[channel.public_key]), **headers
    )


def stored(channel) -> list[str]:
    channel.refresh_from_db()
    return [entry["origin"] for entry in channel.embed_refusals]


def test_the_script_carries_the_listed_sites_and_the_check(client, channel):
    body = client.get(reverse("conversations:webchat_embed", args=[channel.public_key]))
    config = json.loads(re.search(r"var config = (\{.*?\});\n", body.content.decode()).group(1))
    assert config["allowedOrigins"] == [LISTED]
    assert config["checkUrl"].endswith(f"/chat/{channel.public_key}/embed-check/")
    assert "{origin}" in config["notListed"]
    assert "Websites allowed to show the chat" in config["notListed"]


def test_a_listed_site_is_allowed_and_not_recorded(channel):
    response = check(channel, LISTED)
    assert response.json() == {"allowed": True}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in response["Cache-Control"]
    assert stored(channel) == []


def test_a_site_not_listed_is_refused_and_named_on_the_channel(channel):
    before = timezone.now()
    response = check(channel, OTHER)
    assert response.json() == {"allowed": False}
    assert response["Access-Control-Allow-Origin"] == "*"
    (refusal,) = embed_refusals(Channel.objects.get(pk=channel.pk))
    assert refusal["origin"] == OTHER
    assert before <= refusal["at"] <= timezone.now()


@pytest.mark.parametrize("origin", [None, "null", "file://", "not an origin", "ftp://x.example"])
def test_no_origin_or_one_a_browser_never_sends_is_refused_and_not_recorded(channel, origin):
    assert check(channel, origin).json() == {"allowed": False}
    assert stored(channel) == []


def test_an_unknown_channel_answers_404(db):
    response = HttpClient().post("/chat/no-such-key-at-all-0000/embed-check/", HTTP_ORIGIN=OTHER)
    assert response.status_code == 404
    assert response.json() == {"allowed": False}


def test_page_views_of_the_same_site_write_once_in_a_while(channel, django_assert_num_queries):
    check(channel, OTHER)
    first = Channel.objects.get(pk=channel.pk).embed_refusals
    # Another 50 page views: each reads the channel, none writes.
    for _ in range(50):
        with django_assert_num_queries(1):
            assert check(channel, OTHER).json() == {"allowed": False}
    assert Channel.objects.get(pk=channel.pk).embed_refusals == first


def test_invented_origins_cannot_turn_into_a_write_storm(channel, monkeypatch):
    monkeypatch.setattr(embedding, "CHANNEL_WRITES", 3)
    written = [
        channel_embed_refused(channel=channel, origin=f"https://site{n}.example") for n in range(10)
    ]
    assert written == [True, True, True] + [False] * 7


def test_only_the_latest_sites_are_kept_newest_first(channel, monkeypatch):
    for n in range(embedding.KEPT + 3):
        assert channel_embed_refused(channel=channel, origin=f"https://site{n}.example")
    expected = [f"https://site{n}.example" for n in reversed(range(3, embedding.KEPT + 3))]
    assert stored(channel) == expected


def test_a_site_trying_again_moves_to_the_top_without_a_duplicate(channel):
    channel_embed_refused(channel=channel, origin=OTHER)
    channel_embed_refused(channel=channel, origin="https://second.example")
    cache.clear()  # the quiet period is over
    channel_embed_refused(channel=channel, origin=OTHER)
    assert stored(channel) == [OTHER, "https://second.example"]


def test_a_site_listed_afterwards_is_no_longer_named(channel):
    channel_embed_refused(channel=channel, origin=OTHER)
    channel.allowed_origins = [LISTED, OTHER]
    channel.save(update_fields=["allowed_origins"])
    assert embed_refusals(channel) == []
    assert check(channel, OTHER).json() == {"allowed": True}


def test_the_channel_page_tells_the_admin_which_site_tried(client, admin, channel):
    restore_builtin_roles()
    channel_embed_refused(channel=channel, origin=OTHER)
    channel.refresh_from_db()
    channel.embed_refusals[0]["at"] = (timezone.now() - timedelta(hours=2)).isoformat()
    channel.save(update_fields=["embed_refusals"])
    client.force_login(admin)
    html = client.get(reverse("conversations:channel_edit", args=[channel.pk])).content.decode()
    section = html[html.index('id="embed-refusals"') :]
    assert f"<code>{OTHER}</code>" in section
    assert "last tried" in section
    assert "If a site is yours" in section
