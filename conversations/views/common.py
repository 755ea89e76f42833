"""What the conversation pages share: the access gate (404 outside it), the conversation in
the employee's scope, and the parts of the conversation view that several answers render."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string

from core.htmx import wants_partial

from .. import files
from ..access import has_conversation_access
from ..connectors import connector_for
from ..forms import MessageForm
from ..models import Conversation
from ..selectors import assignable_employees, client_panel, messages_before

# htmx listens for these (HX-Trigger): the open lists reload, the history fetches what is new.
CHANGED_EVENT = "conversations-changed"
SENT_EVENT = "conversation-sent"


def access_required(view):
    """404 for employees without conversation access: not even the pages' existence shows."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not has_conversation_access(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return checked


def visible_conversation(request: HttpRequest, pk: int) -> Conversation:
    """The conversation if the employee may see it (its channel lets them in), else 404."""
    return get_object_or_404(Conversation.objects.visible_to(request.user).with_row(), pk=pk)


def header_context(request: HttpRequest, conversation: Conversation) -> dict:
    """The header (status, assignee, actions, invitation) and the client panel."""
    connector = connector_for(conversation.channel.kind)
    invite_link = ""
    if not conversation.external_id and not conversation.channel.is_deleted:
        invite_link = connector.invite_link(conversation, request)
    user = request.user
    return {
        "conversation": conversation,
        "assignees": assignable_employees(conversation),
        "invite_link": invite_link,
        "can_reach": connector.can_start(conversation),
        "panel": client_panel(conversation.client, user),
        "can_link": user.has_perm("clients.view"),
        "can_create_client": user.has_perm("clients.create") and not conversation.client_id,
    }


def pane_context(request: HttpRequest, conversation: Conversation, form=None) -> dict:
    """Everything the conversation view shows: header, newest messages, box, client panel."""
    history, more = messages_before(conversation)
    return {
        **header_context(request, conversation),
        "history": history,
        "more": more,
        "form": form or MessageForm(),
        "accept": files.ACCEPT,
        "max_size": files.MAX_BYTES,
    }


def render_pane(request: HttpRequest, conversation: Conversation, form=None) -> str:
    return render_to_string(
        "conversations/pane.html", pane_context(request, conversation, form), request=request
    )


def header_response(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """The header, with the client panel and any messages swapped in beside it (htmx)."""
    context = {**header_context(request, conversation), "oob": True}
    html = render_to_string("conversations/header_refresh.html", context, request=request)
    response = HttpResponse(html)
    response.headers["Vary"] = "HX-Request"
    return response


def after_action(
    request: HttpRequest,
    conversation: Conversation,
    *,
    success: str = "",
    error: str = "",
) -> HttpResponse:
    """The answer to an action: the refreshed header for htmx, else back to the
    conversation; what happened (or why nothing did) as a message either way."""
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    if not wants_partial(request):
        return redirect(conversation.get_absolute_url())
    fresh = visible_conversation(request, conversation.pk)
    return header_response(request, fresh)


def error_text(exc) -> str:
    return " ".join(exc.messages)


def parse_id(value) -> int | None:
    """A positive id from a query parameter; ValueError for anything else."""
    if value in (None, ""):
        return None
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise ValueError(value)
    return int(text)
