"""The SMS section of a client's Communications tab: the client's messages (newest first,
paginated, live status) and "Send SMS" with a live segment counter."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clients.models import Client
from communications.views import tab_url

from .. import services, templating
from ..encoding import MAX_CHARS, MAX_SEGMENTS, segment_info
from ..selectors import active_templates, sms_rows
from .common import PAGE_SIZE, can_send_sms, scoped_client

SECTION = "sms"


class SmsSendForm(forms.Form):
    phone = forms.ChoiceField(label=gettext_lazy("Phone"), required=False)
    template = forms.ModelChoiceField(
        queryset=active_templates(), required=False, label=gettext_lazy("Template")
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_CHARS}),
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].choices = [
            (p.number, f"{p.formatted} {p.label}".strip()) for p in client.phones.all() if p.notify
        ]
        self.fields["template"].queryset = active_templates()


def _counter(text: str) -> dict:
    info = segment_info((text or "").strip())
    too_long = info.segments > MAX_SEGMENTS or len(text or "") > MAX_CHARS
    return {"info": info, "too_long": too_long, "max_segments": MAX_SEGMENTS}


def _section_context(request: HttpRequest, client: Client) -> dict:
    rows = sms_rows(request.user).filter(client=client)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "client": client,
        "page": page,
        "base": tab_url(client, SECTION),
        "query": "section=sms&part=list",
        "can_send": can_send_sms(request.user),
    }


def sms_section(request: HttpRequest, client: Client) -> HttpResponse:
    """The section (``?part=list``: the list alone, for its pagination)."""
    context = _section_context(request, client)
    part = request.GET.get("part") == "list"
    return render(request, "sms/section_list.html" if part else "sms/section.html", context)


def _form_response(request, client, form, counter, template_error: str = "") -> HttpResponse:
    context = {
        "client": client,
        "form": form,
        "counter": counter,
        "template_error": template_error,
    }
    return render(request, "sms/send_form.html", context)


@require_http_methods(["GET", "POST"])
def client_sms_new(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Send SMS": the form; on success the section again, with the new message first."""
    client = scoped_client(request, pk, send=True)
    if request.method == "GET":
        form = SmsSendForm(client=client)
        return _form_response(request, client, form, _counter(""))
    form = SmsSendForm(request.POST, client=client)
    text = request.POST.get("text", "")
    if form.is_valid():
        try:
            services.sms_send(
                actor=request.user,
                client=client,
                text=form.cleaned_data["text"],
                phone=form.cleaned_data["phone"],
                template=form.cleaned_data["template"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            context = _section_context(request, client)
            context["notice"] = _("The SMS is queued for sending.")
            response = render(request, "sms/section.html", context)
            response.headers["HX-Retarget"] = "#section-content"
            response.headers["HX-Reswap"] = "innerHTML"
            return response
    return _form_response(request, client, form, _counter(text))


@require_POST
def client_sms_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live counter: encoding, segments, characters left."""
    client = scoped_client(request, pk, send=True)
    return render(
        request,
        "sms/counter.html",
        {"client": client, "counter": _counter(request.POST.get("text", ""))},
    )


@require_POST
def client_sms_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """A template was chosen: the text box filled in for this client, or what is missing."""
    client = scoped_client(request, pk, send=True)
    text, error = request.POST.get("text", ""), ""
    chosen = request.POST.get("template") or ""
    template = active_templates().filter(pk=chosen).first() if chosen.isdigit() else None
    if template is not None:
        try:
            text = templating.render(template.text, client, request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    data = request.POST.copy()
    data["text"] = text
    form = SmsSendForm(data, client=client)
    return _form_response(request, client, form, _counter(text), template_error=error)


def sms_tab_url(client: Client) -> str:
    return tab_url(client, SECTION)


def preview_url(client: Client) -> str:
    return reverse("sms:client_preview", kwargs={"pk": client.pk})
