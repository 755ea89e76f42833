"""The Documents tab of the client profile: every order, estimate and sale of the client the
employee may see, newest first, filterable by type, with "+ Order", "+ Estimate", "+ Sale"."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clients.models import Client

from ..models import DocumentSequence
from ..permissions import can_edit_documents, can_sell
from ..selectors import DOC_TYPES, documents_page
from .common import tab_url


def documents_tab(request: HttpRequest, client: Client, *, dialog_html: str = "") -> HttpResponse:
    doc_type = request.GET.get("type", "")
    if doc_type not in DOC_TYPES:
        doc_type = ""
    page = documents_page(client, request.user, doc_type, request.GET.get("page"))
    context = {
        "client": client,
        "page": page,
        "doc_type": doc_type,
        "types": [
            ("", _("All")),
            *(
                (code, label)
                for code, label in DocumentSequence.DocType.choices
                if code in DOC_TYPES
            ),
        ],
        "base": tab_url(client),
        "query": f"type={doc_type}" if doc_type else "",
        "can_edit": can_edit_documents(request.user),
        "can_sell": can_sell(request.user),
        "dialog_html": mark_safe(dialog_html),  # rendered by our own templates
    }
    template = (
        "documents/tabs/documents_list.html"
        if request.GET.get("part") == "list"
        else "documents/tabs/documents.html"
    )
    return render(request, template, context)
