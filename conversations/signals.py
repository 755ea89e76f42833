"""Access can change outside this app — a role loses "Conversation access", an employee gets
another role, is deactivated or deleted, a channel's selected employees change, someone signs
out — and open WebSockets must stop forwarding at once: each of these broadcasts
``access.changed`` (after the commit), and every consumer reads its access again before its
next event; a sign-out closes only that session's sockets (``session.ended``). Channel
settings changed through ``services`` broadcast it themselves."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Employee, Role

from .models import Channel
from .realtime import publish_access_changed, publish_session_ended


@receiver(post_save, sender=Role)
@receiver(post_save, sender=Employee)
def access_may_have_changed(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nobody's access (a password change does: see consumers)
    publish_access_changed()


@receiver(post_delete, sender=Role)
@receiver(post_delete, sender=Employee)
def access_removed(sender, **kwargs) -> None:
    publish_access_changed()


@receiver(m2m_changed, sender=Channel.members.through)
def channel_members_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        publish_access_changed()


@receiver(user_logged_out)
def signed_out(sender, request=None, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        publish_session_ended(session_key)
