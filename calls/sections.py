"""The Calls section the calls app plugs into the client's Communications tab."""

from django.utils.translation import gettext_lazy as _

from communications.sections import Section, register_section

from .models import Call
from .permissions import can_view_calls
from .views.section import calls_section


def _count(client, employee) -> int:
    return Call.objects.visible_to(employee).filter(client=client).count()


register_section(
    Section(
        slug="calls",
        label=_("Calls"),
        order=10,
        view=calls_section,
        allowed=can_view_calls,
        count=_count,
    )
)
