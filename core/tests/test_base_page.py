"""What every page carries from the base template: here, its icon."""

import re
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.django_db


def icon_href(html: str) -> str:
    match = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', html)
    assert match, "no icon link"
    return match.group(1)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_an_inline_icon_so_no_favicon_is_requested(client, manager, signed_in):
    if signed_in:
        client.force_login(manager)
    response = client.get("/" if not signed_in else "/clients/", follow=True)
    assert response.status_code == 200
    href = icon_href(response.content.decode())
    # Inline: nothing to fetch, no /favicon.ico 404; and a well-formed SVG.
    assert href.startswith("data:image/svg+xml,")
    svg = ElementTree.fromstring(unquote(href.removeprefix("data:image/svg+xml,")))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
