"""The tab the assets app plugs into the client profile."""

from django.utils.translation import gettext_lazy as _

from clients.profile import ProfileTab, register_tab

from .models import Asset
from .views.tab import assets_tab


def _count(client, employee) -> int:
    """Every asset the client owns, written off included, in one query."""
    return Asset.objects.filter(owner=client).count()


register_tab(
    ProfileTab(
        slug="assets",
        label=_("Assets"),
        order=50,
        view=assets_tab,
        permission="assets.view",
        count=_count,
    )
)
