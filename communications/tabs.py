"""The Communications tab in the client profile, shown when the employee may see a section."""

from django.utils.translation import gettext_lazy as _

from clients.profile import ProfileTab, register_tab

from .sections import any_section_for, count_for
from .views import communications_tab

register_tab(
    ProfileTab(
        slug="communications",
        label=_("Communications"),
        order=70,
        view=communications_tab,
        allowed=any_section_for,
        count=count_for,
    )
)
