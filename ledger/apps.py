from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Balance and payments")

    def ready(self) -> None:
        from . import tabs  # noqa: F401  registers the Balance and Payments tabs
        from .services import register_guards

        register_guards()
