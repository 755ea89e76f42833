"""Every page and dialog fits a phone's screen (390 by 844 px, an iPhone 12 to 15): the page never
scrolls sideways; a wide table scrolls inside its own box instead (tests/browser/phone.py)."""

import pytest
from playwright.sync_api import Page

from tests.browser.phone import PHONE
from tests.browser.site_tour import demo_site, restore_migration_data, tour

pytestmark = pytest.mark.slow

OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  // What sticks out past the screen's right edge, to say what to fix.
  const edge = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > edge + 1 && el.getClientRects().length)
    .filter(el => ![...el.children].some(child => child.getBoundingClientRect().right > edge + 1))
    .slice(0, 5)
    .map(el => {
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (classes ? "." + classes.split(/\\s+/).join(".") : "") +
        " → " + Math.round(el.getBoundingClientRect().right) + "px";
    });
  return {width: root.scrollWidth, screen: root.clientWidth, wide};
}"""


@pytest.fixture(autouse=True)
def builtin_data(transactional_db):
    """The live server needs committed data; put back what the data migrations wrote (roles,
    order statuses, …), which the flush after a transactional test removed."""
    restore_migration_data()


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_no_page_scrolls_sideways_on_a_phone(asgi_live_server, new_page, language):
    site = demo_site()
    page: Page = new_page()
    page.set_viewport_size(PHONE)
    failures = []
    for stop in tour(page, asgi_live_server.url, site, language):
        overflow = page.evaluate(OVERFLOW)
        if stop == f"/conversations/{site.conversation}/":
            # The header's "Close" stays inside the conversation's panel.
            panel = page.locator(".conv-main").bounding_box()
            close = page.locator(
                "#conversation-header :is([data-action=close], [data-action=reopen])"
            ).bounding_box()
            if close["x"] + close["width"] > panel["x"] + panel["width"]:
                failures.append(f"{stop}: Close sticks out of the conversation's panel")
        if overflow:
            failures.append(
                f"{stop}: {overflow['width']} px wide on a {overflow['screen']} px screen; "
                + "; ".join(overflow["wide"])
            )
    assert not failures, "Pages wider than a phone:\n" + "\n".join(failures)
