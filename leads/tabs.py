"""The tab the leads app plugs into the client profile."""

from django.utils.translation import gettext_lazy as _

from clients.profile import ProfileTab, register_tab

from .permissions import can_view_leads
from .selectors import client_lead_count
from .views.tab import leads_tab

register_tab(
    ProfileTab(
        slug="leads",
        label=_("Leads"),
        order=40,
        view=leads_tab,
        allowed=can_view_leads,
        count=client_lead_count,
    )
)
