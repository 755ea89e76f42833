"""The Communications tab of the client profile is a frame; apps plug sections into it.

An app registers a ``Section`` in its ``AppConfig.ready()``: a slug (``?section=<slug>`` on
the tab's URL), a label, a position, who may see it and a view that renders the section for
one client. The tab shows the sections an employee may see and nothing else; it is hidden
when there are none. Calls, SMS and (later) conversations are sections.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from clients.models import Client

SectionView = Callable[[HttpRequest, Client], HttpResponse]
SectionCount = Callable[[Client, object], int]


@dataclass(frozen=True)
class Section:
    slug: str
    label: Promise
    order: int
    view: SectionView
    allowed: Callable[[object], bool]
    # How many of the client's records the employee may see here (the tab's badge sums them).
    count: SectionCount | None = None


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.slug] = section


def sections_for(employee) -> list[Section]:
    """The sections ``employee`` may open, in display order."""
    visible = (s for s in _sections.values() if s.allowed(employee))
    return sorted(visible, key=lambda s: s.order)


def count_for(client: Client, employee) -> int:
    """The Communications tab's badge: the sections' counts this employee may see."""
    return sum(s.count(client, employee) for s in sections_for(employee) if s.count)


def any_section_for(employee) -> bool:
    return any(s.allowed(employee) for s in _sections.values())
