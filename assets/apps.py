from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Assets")

    def ready(self) -> None:
        from clients.services import register_delete_guard
        from documents.hooks import register_order_panel, register_status_listener

        from . import tabs  # noqa: F401  registers the Assets tab
        from .services import client_delete_refusal, order_status_moved
        from .views.orders import order_panel

        register_status_listener(order_status_moved)
        register_order_panel(order_panel)
        register_delete_guard(client_delete_refusal)
