from .pages import call_list, call_recording
from .section import calls_section
from .webhooks import call_webhook, ping

__all__ = ["call_list", "call_recording", "call_webhook", "calls_section", "ping"]
