from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from clients.services import register_delete_guard
        from documents.hooks import register_order_panel

        from . import tabs  # noqa: F401  registers the Leads tab
        from .hooks import client_leads_guard, order_lead_panel

        register_delete_guard(client_leads_guard)
        register_order_panel(order_lead_panel)
