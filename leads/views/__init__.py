"""The lead pages: the shop's leads page and a lead's own page (``pages``), the client
profile's Leads tab (``tab``) and the lead settings (``settings``)."""

from .pages import (
    lead_convert,
    lead_create,
    lead_detail,
    lead_edit,
    lead_list,
    lead_lost,
    lead_status,
)
from .settings import lead_choice_edit, lead_settings
from .tab import client_lead_create, leads_tab

__all__ = [
    "client_lead_create",
    "lead_choice_edit",
    "lead_convert",
    "lead_create",
    "lead_detail",
    "lead_edit",
    "lead_list",
    "lead_lost",
    "lead_settings",
    "lead_status",
    "leads_tab",
]
