"""The Conversations section of the client's Communications tab: the client's conversations
the employee may see, the open one beside them (the same view as the inbox), and
"+ Conversation" (pick a channel, start, open it). Without conversation access the section
is not offered and these URLs answer 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url, trigger_client_event

from clients.models import Client
from communications.views import tab_url
from core.htmx import wants_partial

from .. import services
from ..access import has_conversation_access
from ..forms import StartForm, add_errors
from ..selectors import PAGE_SIZE, conversation_rows
from .common import CHANGED_EVENT, access_required, parse_id, render_pane

SECTION = "conversations"


def section_url(client: Client, conversation_id: int | None = None) -> str:
    url = tab_url(client, SECTION)
    return f"{url}&conversation={conversation_id}" if conversation_id else url


def _list_context(request: HttpRequest, client: Client) -> dict:
    rows = conversation_rows(request.user).filter(client=client)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    base = section_url(client)
    return {
        "client": client,
        "page": page,
        "section_url": base,
        "list_url": f"{base}&part=list&page={page.number}",
        "page_link": f"{base}&",
        "page_get": f"{base}&part=list&",
    }


def _start_html(request: HttpRequest, client: Client, form: StartForm) -> str:
    context = {"client": client, "form": form, "channels": form.channels}
    return render_to_string("conversations/start_form.html", context, request=request)


def conversations_section(request: HttpRequest, client: Client) -> HttpResponse:
    """The section (``?part=list``: the list alone, for its pages and live refreshes;
    ``?conversation=<id>``: with that conversation open; ``?start=1``: with "+ Conversation"
    open)."""
    if not has_conversation_access(request.user):
        raise Http404
    context = _list_context(request, client)
    if request.GET.get("part") == "list":
        return render(request, "conversations/list.html", context)
    pane_html, open_id = "", None
    try:
        wanted = parse_id(request.GET.get("conversation"))
    except ValueError:
        wanted = None
    if wanted is not None:
        conversation = conversation_rows(request.user).filter(client=client, pk=wanted).first()
        if conversation is not None:
            services.conversation_mark_read(actor=request.user, conversation=conversation)
            pane_html, open_id = render_pane(request, conversation), conversation.pk
    elif request.GET.get("start"):
        pane_html = _start_html(request, client, StartForm(employee=request.user, client=client))
    context.update(pane_html=pane_html, open_id=open_id)
    return render(request, "conversations/section.html", context)


@access_required
@require_http_methods(["GET", "POST"])
def client_conversation_start(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Conversation": choose one of the live channels the employee may use; the new (or
    the client's existing) conversation on it opens."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    if request.method == "GET":
        if not wants_partial(request):
            return redirect(f"{section_url(client)}&start=1")
        return HttpResponse(
            _start_html(request, client, StartForm(employee=request.user, client=client))
        )
    form = StartForm(request.POST, employee=request.user, client=client)
    if form.is_valid():
        try:
            conversation = services.conversation_start(
                actor=request.user, channel=form.cleaned_data["channel"], client=client
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            url = section_url(client, conversation.pk)
            if not wants_partial(request):
                return redirect(url)
            conversation = conversation_rows(request.user).get(pk=conversation.pk)
            response = HttpResponse(render_pane(request, conversation))
            push_url(response, url)
            trigger_client_event(response, CHANGED_EVENT, {"client": client.pk})
            return response
    if not wants_partial(request):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{section_url(client)}&start=1")
    return HttpResponse(_start_html(request, client, form))


urlpatterns = [
    path(
        "clients/<int:pk>/conversations/new/",
        client_conversation_start,
        name="client_start",
    ),
]
