"""The tab the documents app plugs into the client profile."""

from django.utils.translation import gettext_lazy as _

from clients.profile import ProfileTab, register_tab

from .models import Estimate, Order, Sale
from .permissions import can_view_documents
from .views.tab import documents_tab


def _count(client, employee) -> int:
    """The client's documents the employee may see, in one query."""
    first, *rest = (
        model.objects.visible_to(employee).filter(client=client).values("id").order_by()
        for model in (Order, Estimate, Sale)
    )
    return first.union(*rest, all=True).count()


register_tab(
    ProfileTab(
        slug="documents",
        label=_("Documents"),
        order=30,
        view=documents_tab,
        allowed=can_view_documents,
        count=_count,
    )
)
