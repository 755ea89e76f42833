from .hooks import sms_hook
from .pages import sms_list, sms_outbox, sms_outbox_report, sms_row
from .section import client_sms_fill, client_sms_new, client_sms_preview, sms_section
from .settings import sms_template_delete, sms_template_edit, sms_template_list

__all__ = [
    "client_sms_fill",
    "client_sms_new",
    "client_sms_preview",
    "sms_hook",
    "sms_list",
    "sms_outbox",
    "sms_outbox_report",
    "sms_row",
    "sms_section",
    "sms_template_delete",
    "sms_template_edit",
    "sms_template_list",
]
