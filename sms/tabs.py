"""The SMS section of the client's Communications tab."""

from django.utils.translation import gettext_lazy as _

from communications.sections import Section, register_section

from .models import SmsMessage
from .views.common import can_view_sms
from .views.section import sms_section


def _count(client, employee) -> int:
    return SmsMessage.objects.visible_to(employee).filter(client=client).count()


register_section(
    Section(
        slug="sms", label=_("SMS"), order=20, view=sms_section, allowed=can_view_sms, count=_count
    )
)
