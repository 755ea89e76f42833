"""What the document views share: finding a document in the employee's scope, and answering
an action as htmx wants it (the dialog alone) or as a whole page (the profile's Documents tab
with the dialog open)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django_htmx.http import push_url, trigger_client_event

from clients.models import Client
from clients.views import append_profile_header, in_profile_frame
from core.htmx import wants_partial

from ..permissions import can_view_documents

TAB = "documents"
CHANGED_EVENT = "documents-changed"


def documents_viewer_required(view):
    """403 unless the employee may see documents ("all" or "only mine")."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_view_documents(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def require(request: HttpRequest, *codes: str) -> None:
    if not all(request.user.has_perm(code) for code in codes):
        raise PermissionDenied


def scoped(model, request: HttpRequest, pk: int):
    """The document if the employee may see it and its client, else 404."""
    document = get_object_or_404(
        model.objects.visible_to(request.user).select_related("client"), pk=pk
    )
    if not Client.objects.visible_to(request.user).filter(pk=document.client_id).exists():
        raise Http404
    return document


def scoped_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


def add_errors(form, exc: ValidationError) -> None:
    """Show a refused operation's messages next to their fields, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def tab_url(client: Client) -> str:
    return reverse("clients:tab", kwargs={"pk": client.pk, "tab": TAB})


def dialog_page(request: HttpRequest, client: Client, dialog_html: str) -> HttpResponse:
    """``dialog_html`` as the answer: alone for htmx, else inside the Documents tab."""
    if wants_partial(request):
        response = HttpResponse(dialog_html)
        response.headers["Vary"] = "HX-Request"
        return response
    from .tab import documents_tab

    response = documents_tab(request, client, dialog_html=dialog_html)
    return in_profile_frame(request, client, TAB, response)


def after_change(
    request: HttpRequest,
    client: Client,
    dialog_html: str,
    *,
    message: str,
    url: str,
    refresh_header: bool = False,
) -> HttpResponse:
    """The answer to an action that changed a document: the refreshed dialog (htmx), the
    Documents list told to reload, and the header refreshed when money or counts moved; without htmx
    a redirect to the document's own URL."""
    messages.success(request, message)  # shown on both paths (core/htmx.py)
    if not wants_partial(request):
        return redirect(url)
    response = HttpResponse(dialog_html)
    push_url(response, url)
    trigger_client_event(response, CHANGED_EVENT)
    if refresh_header:
        append_profile_header(response, request, client, TAB)
    return response
