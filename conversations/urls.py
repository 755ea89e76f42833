"""Conversation pages (inbox, conversation, settings), the web chat widget and the
Telegram webhook. Each views module owns its routes."""

from .views import channels, pages, telegram, webchat

app_name = "conversations"

urlpatterns = [
    *pages.urlpatterns,
    *channels.urlpatterns,
    *webchat.urlpatterns,
    *telegram.urlpatterns,
]
