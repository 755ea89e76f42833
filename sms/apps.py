from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = _("SMS")

    def ready(self) -> None:
        from . import tabs  # noqa: F401  registers the SMS section of the Communications tab
