"""The client profile is a frame; apps plug tabs into it.

An app registers a ``ProfileTab`` in its ``AppConfig.ready()``: a slug (the URL part
``/clients/<id>/<slug>/``), a label, a position, the permission that shows it (or a check
``allowed(employee)`` when several permissions do), an optional
count for the badge, and a view that renders the tab's content for one client. The frame
knows nothing else about any app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from .models import Client

TabView = Callable[[HttpRequest, Client], HttpResponse]
# The badge: how many of the client's records the employee may see.
TabCount = Callable[[Client, object], int]


@dataclass(frozen=True)
class ProfileTab:
    slug: str
    label: Promise
    order: int
    view: TabView
    permission: str | None = None
    count: TabCount | None = None
    # For a tab that more than one permission opens (e.g. "all documents" or "my documents").
    allowed: Callable[[object], bool] | None = None

    def visible_to(self, employee) -> bool:
        if self.allowed is not None:
            return self.allowed(employee)
        return self.permission is None or employee.has_perm(self.permission)


_tabs: dict[str, ProfileTab] = {}


def register_tab(tab: ProfileTab) -> None:
    _tabs[tab.slug] = tab


def tabs_for(employee) -> list[ProfileTab]:
    """The tabs ``employee`` may open, in display order."""
    return sorted((t for t in _tabs.values() if t.visible_to(employee)), key=lambda t: t.order)


def get_tab(slug: str) -> ProfileTab | None:
    return _tabs.get(slug)
