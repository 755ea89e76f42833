from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from ledger.selectors import register_document_resolver
        from ledger.services import register_document_payer

        from .orders import pay_order_document, resolve_order

        register_document_resolver("order", resolve_order)
        register_document_payer("order", pay_order_document)
