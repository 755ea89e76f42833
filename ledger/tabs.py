"""The tabs the ledger plugs into the client profile."""

from django.utils.translation import gettext_lazy as _

from clients.profile import ProfileTab, register_tab

from .models import LedgerEntry, Payment
from .views import balance_tab, payments_tab

register_tab(
    ProfileTab(
        slug="balance",
        label=_("Balance"),
        order=20,
        view=balance_tab,
        permission="ledger.view_balance",
        count=lambda client, employee: LedgerEntry.objects.filter(client=client).count(),
    )
)
register_tab(
    ProfileTab(
        slug="payments",
        label=_("Payments"),
        order=60,
        view=payments_tab,
        permission="ledger.view_balance",
        count=lambda client, employee: Payment.objects.filter(client=client).count(),
    )
)
