from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from ledger.selectors import register_document_resolver, register_document_url
        from ledger.services import register_document_payer, register_document_undo

        from . import tabs  # noqa: F401  registers the Documents tab
        from .orders import explain_order_entry, pay_order_document, resolve_order
        from .sales import explain_sale_entry, pay_sale_document, resolve_sale

        register_document_resolver("order", resolve_order)
        register_document_payer("order", pay_order_document)
        register_document_url("order", "documents:order_detail")
        register_document_undo("order", explain_order_entry)
        register_document_resolver("sale", resolve_sale)
        register_document_payer("sale", pay_sale_document)
        register_document_url("sale", "documents:sale_detail")
        register_document_undo("sale", explain_sale_entry)
