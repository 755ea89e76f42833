"""One conversation: its view (history, new-message box, header, client panel), the history
fetched in pieces, and the actions (send, close, reopen, assign, link or create the client).

Every view reads the conversation through ``visible_to`` (404 outside it); every change goes
through ``services``, and a refused one is shown as a message and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from core.htmx import wants_partial

from .. import files, services
from ..connectors import connector_for
from ..forms import AssignForm, LinkClientForm, MessageForm, add_errors
from ..selectors import (
    MESSAGES_CATCH_UP,
    client_matches,
    messages_after,
    messages_before,
    messages_by_ids,
)
from .common import (
    SENT_EVENT,
    access_required,
    after_action,
    error_text,
    header_response,
    parse_id,
    render_pane,
    visible_conversation,
)
from .inbox import inbox_page


@access_required
@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The conversation view (htmx: the pane alone; else the inbox with it open). Opening
    it marks it read."""
    conversation = visible_conversation(request, pk)
    services.conversation_mark_read(actor=request.user, conversation=conversation)
    pane = render_pane(request, conversation)
    if wants_partial(request):
        response = HttpResponse(pane)
        response.headers["Vary"] = "HX-Request"
        return response
    return inbox_page(request, pane_html=pane, open_id=conversation.pk)


@access_required
@require_GET
def conversation_header(request: HttpRequest, pk: int) -> HttpResponse:
    """The header and client panel again, after a status, assignment or client change."""
    return header_response(request, visible_conversation(request, pk))


@access_required
@require_http_methods(["GET", "POST"])
def conversation_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a piece of the history — ``?before=<id>`` the earlier page, ``?after=<id>`` what
    came since (what the browser missed), ``?message=<id>`` (repeatable) these messages
    again: edited, or a changed delivery status. POST: send."""
    conversation = visible_conversation(request, pk)
    if request.method == "POST":
        return _send(request, conversation)
    try:
        before = parse_id(request.GET.get("before"))
        after = parse_id(request.GET.get("after"))
        ids = [parse_id(value) for value in request.GET.getlist("message") if value]
        if len(ids) > MESSAGES_CATCH_UP:
            raise ValueError(ids)
    except ValueError:
        return HttpResponseBadRequest(_("Bad message id."), content_type="text/plain")
    context = {"conversation": conversation, "more": False}
    if ids:
        context["history"] = messages_by_ids(conversation, ids)
    elif after is not None:
        context["history"] = messages_after(conversation, after)
        if conversation.unread_count and context["history"]:
            # The employee is looking at the conversation: what just arrived is read.
            services.conversation_mark_read(actor=request.user, conversation=conversation)
    else:
        context["history"], context["more"] = messages_before(conversation, before)
    response = render(request, "conversations/messages.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


def _send(request: HttpRequest, conversation) -> HttpResponse:
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.message_send(
                actor=request.user,
                conversation=conversation,
                text=form.cleaned_data["text"],
                files=[upload] if upload else [],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not wants_partial(request):
                return redirect(conversation.get_absolute_url())
            response = _composer(request, conversation, MessageForm())
            trigger_client_event(response, SENT_EVENT, {"conversation": conversation.pk})
            return response
    if not wants_partial(request):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(conversation.get_absolute_url())
    return _composer(request, conversation, form)


def _composer(request: HttpRequest, conversation, form) -> HttpResponse:
    context = {
        "conversation": conversation,
        "form": form,
        "accept": files.ACCEPT,
        "max_size": files.MAX_BYTES,
        "can_reach": connector_for(conversation.channel.kind).can_start(conversation),
    }
    return render(request, "conversations/composer.html", context)


@access_required
@require_POST
def conversation_close(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    try:
        services.conversation_close(actor=request.user, conversation=conversation)
    except ValidationError as exc:
        return after_action(request, conversation, error=error_text(exc))
    return after_action(request, conversation)


@access_required
@require_POST
def conversation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    try:
        services.conversation_reopen(actor=request.user, conversation=conversation)
    except ValidationError as exc:
        return after_action(request, conversation, error=error_text(exc))
    return after_action(request, conversation)


@access_required
@require_POST
def conversation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the conversation to an employee who may see its channel (or to nobody)."""
    conversation = visible_conversation(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return after_action(
            request, conversation, error=_("Choose an employee who can see this conversation.")
        )
    assignee = form.cleaned_data["assignee"]
    try:
        services.conversation_assign(
            actor=request.user, conversation=conversation, assignee=assignee
        )
    except ValidationError as exc:
        return after_action(request, conversation, error=error_text(exc))
    if assignee is None:
        return after_action(request, conversation, success=_("Nobody is assigned now."))
    return after_action(
        request,
        conversation,
        success=_("Assigned to %(name)s.") % {"name": assignee.full_name},
    )


@access_required
@require_GET
def conversation_client_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Clients to link the conversation to, by name, phone or email."""
    conversation = visible_conversation(request, pk)
    if not request.user.has_perm("clients.view"):
        raise PermissionDenied
    query = request.GET.get("q", "")
    context = {
        "conversation": conversation,
        "query": query.strip(),
        "matches": client_matches(request.user, query),
    }
    return render(request, "conversations/client_matches.html", context)


@access_required
@require_POST
def conversation_link_client(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the conversation to an existing client the employee may see."""
    conversation = visible_conversation(request, pk)
    form = LinkClientForm(request.POST, employee=request.user)
    if not form.is_valid():
        return after_action(request, conversation, error=_("Choose a client to link."))
    client = form.cleaned_data["client"]
    try:
        services.conversation_link_client(
            actor=request.user, conversation=conversation, client=client
        )
    except ValidationError as exc:
        return after_action(request, conversation, error=error_text(exc))
    return after_action(
        request,
        conversation,
        success=_("The conversation is linked to %(name)s.") % {"name": client.display_name},
    )


@access_required
@require_POST
def conversation_create_client(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the contact a new client (name and phone as known) and link it."""
    conversation = visible_conversation(request, pk)
    try:
        client = services.conversation_create_client(actor=request.user, conversation=conversation)
    except ValidationError as exc:
        return after_action(request, conversation, error=error_text(exc))
    return after_action(
        request,
        conversation,
        success=_("Client %(name)s created and linked.") % {"name": client.display_name},
    )


urlpatterns = [
    path("conversations/<int:pk>/", conversation_detail, name="detail"),
    path("conversations/<int:pk>/header/", conversation_header, name="header"),
    path("conversations/<int:pk>/messages/", conversation_messages, name="messages"),
    path("conversations/<int:pk>/close/", conversation_close, name="close"),
    path("conversations/<int:pk>/reopen/", conversation_reopen, name="reopen"),
    path("conversations/<int:pk>/assign/", conversation_assign, name="assign"),
    path(
        "conversations/<int:pk>/client-search/",
        conversation_client_search,
        name="client_search",
    ),
    path("conversations/<int:pk>/link-client/", conversation_link_client, name="link_client"),
    path(
        "conversations/<int:pk>/create-client/",
        conversation_create_client,
        name="create_client",
    ),
]
