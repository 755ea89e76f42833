"""The Conversations section of the client's Communications tab, shown to employees with
conversation access."""

from django.utils.translation import gettext_lazy as _

from communications.sections import Section, register_section

from .access import has_conversation_access
from .models import Conversation
from .views.section import conversations_section


def _count(client, employee) -> int:
    return Conversation.objects.visible_to(employee).filter(client=client).count()


register_section(
    Section(
        slug="conversations",
        label=_("Conversations"),
        order=30,
        view=conversations_section,
        allowed=has_conversation_access,
        count=_count,
    )
)
