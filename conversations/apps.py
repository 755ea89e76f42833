from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        # The Conversations section of the Communications tab; access changes reaching
        # open WebSockets.
        from . import sections, signals  # noqa: F401
