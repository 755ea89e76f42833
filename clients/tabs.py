"""The tabs the clients app plugs into the profile."""

from django.utils.translation import gettext_lazy as _

from .profile import ProfileTab, register_tab
from .views import general_tab

register_tab(ProfileTab(slug="general", label=_("General"), order=10, view=general_tab))
