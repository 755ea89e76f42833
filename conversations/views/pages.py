"""The employee-facing conversation pages: the inbox, the conversation view and its
actions, attachments, and "+ Conversation" from the client's Communications tab. Each
module owns its routes; ``urls.py`` reads them from here."""

from . import attachments, conversation, inbox, section

urlpatterns = [
    *inbox.urlpatterns,
    *conversation.urlpatterns,
    *attachments.urlpatterns,
    *section.urlpatterns,
]
