"""Checks for pages seen on a phone (390 px wide, an iPhone 12 to 15): nothing may widen the
page past the screen; a wide table scrolls sideways inside its own box instead."""

from playwright.sync_api import Locator, Page

PHONE = {"width": 390, "height": 844}


def page_width(page: Page) -> int:
    """How wide the page's content is, in CSS pixels (the screen's width when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth")


def scrolls_sideways(box: Locator) -> bool:
    """True when ``box`` holds more than it shows across, and can scroll to show it."""
    return box.evaluate(
        "el => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'auto'"
    )


def scroll_to_the_end(box: Locator) -> None:
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
