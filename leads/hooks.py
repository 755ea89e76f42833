"""What leads plug into the apps below them: clients with leads are archived rather than
deleted, and an order made from a lead shows it in its dialog."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import Lead


def client_leads_guard(client) -> str | None:
    if Lead.objects.filter(client=client).exists():
        return _("This client has leads and cannot be deleted; archive it instead.")
    return None


def order_lead_panel(*, request, order) -> str:
    """ "From lead L-000001" in the order's dialog, for an employee who may see that lead."""
    lead = Lead.objects.visible_to(request.user).filter(order=order).only("pk", "number").first()
    if lead is None:
        return ""
    return render_to_string("leads/order_panel.html", {"lead": lead}, request=request)
