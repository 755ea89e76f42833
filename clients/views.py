"""Client pages: the list, "+ Client", the profile frame and its General tab."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.htmx import wants_partial
from core.phones import to_e164

from . import services
from .custom_fields import active_definitions
from .filters import ClientFilter
from .forms import ClientForm, PhoneFormSet, phone_initial
from .models import Client, Tag
from .profile import get_tab, tabs_for
from .selectors import find_duplicates

PAGE_SIZE = 25


@permission_required("clients.view", raise_exception=True)
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "archived" not in params:
        params["archived"] = "false"
    filterset = ClientFilter(params, queryset=Client.objects.visible_to(request.user).with_card())
    if not filterset.is_valid():
        filterset = ClientFilter(QueryDict("archived=false"), queryset=filterset.queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filterset": filterset,
        "query": query.urlencode(),
        "tags": Tag.objects.all()[:200],
    }
    template = "clients/list_results.html" if wants_partial(request) else "clients/list.html"
    return render(request, template, context)


def _save_form(request, client: Client | None):
    """Validate the client form and its phones; save through the services.

    Returns (form, phone_formset, duplicates, saved_client). Nothing is written unless
    everything is valid and any duplicate warning was confirmed.
    """
    definitions = active_definitions()
    form = ClientForm(request.POST, instance=client or Client(), definitions=definitions)
    phones = PhoneFormSet(request.POST, prefix="phones")
    duplicates = []
    if form.is_valid() and phones.is_valid():
        duplicates = find_duplicates(
            phones=[p.number for p in phones.phones()],
            email=form.cleaned_data.get("email", ""),
            exclude_id=client.pk if client else None,
        )
        if duplicates and not form.cleaned_data.get("confirm_duplicates"):
            return form, phones, duplicates, None
        try:
            if client is None:
                saved = services.client_create(
                    actor=request.user,
                    data=form.service_data(),
                    phones=phones.phones(),
                    tags=form.tag_names(),
                )
            else:
                saved = services.client_update(
                    actor=request.user,
                    client=client,
                    data=form.service_data(),
                    phones=phones.phones(),
                    tags=form.tag_names(),
                )
        except ValidationError as exc:
            form.add_error(None, exc)
            return form, phones, duplicates, None
        return form, phones, duplicates, saved
    return form, phones, duplicates, None


@permission_required("clients.create", raise_exception=True)
def client_create(request: HttpRequest) -> HttpResponse:
    duplicates = []
    if request.method == "POST":
        form, phones, duplicates, saved = _save_form(request, None)
        if saved:
            messages.success(request, _("Client created."))
            return redirect(saved.get_absolute_url())
    else:
        # The employee who creates the client manages it unless they choose someone else.
        form = ClientForm(definitions=active_definitions(), initial={"manager": request.user.pk})
        phones = PhoneFormSet(prefix="phones")
    context = {"form": form, "phones": phones, "duplicates": duplicates}
    return render(request, "clients/create.html", context)


def general_tab(request: HttpRequest, client: Client) -> HttpResponse:
    """The whole client form, edited in place."""
    can_edit = request.user.has_perm("clients.edit")
    duplicates = []
    saved = False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form, phones, duplicates, updated = _save_form(request, client)
        if updated:
            if not wants_partial(request):
                messages.success(request, _("Changes saved."))
                return redirect("clients:tab", pk=client.pk, tab="general")
            saved = True
            client = Client.objects.with_card().get(pk=client.pk)
            form = ClientForm(instance=client, definitions=active_definitions())
            phones = PhoneFormSet(prefix="phones", initial=phone_initial(client))
    else:
        form = ClientForm(instance=client, definitions=active_definitions())
        phones = PhoneFormSet(prefix="phones", initial=phone_initial(client))
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "client": client,
        "form": form,
        "phones": phones,
        "duplicates": duplicates,
        "saved": saved,
        "can_edit": can_edit,
    }
    response = render(request, "clients/tabs/general.html", context)
    if saved:
        # The header (name, badges, phone) may have changed: refresh it too.
        append_profile_header(response, request, client, "general")
    return response


def append_profile_header(
    response: HttpResponse, request: HttpRequest, client: Client, current: str
) -> None:
    """Add the refreshed header and tab strip to an htmx tab response (out-of-band swaps).

    Tabs whose actions change what the frame shows (name, badges, balance, counts) call this.
    """
    client = Client.objects.with_card().get(pk=client.pk)
    context = {"client": client, "oob": True, **_tab_strip(request, client, current)}
    header = render_to_string("clients/profile_header.html", context, request=request)
    tabs = render_to_string("clients/profile_tabs.html", context, request=request)
    response.content += (header + tabs).encode()


def _tab_strip(request: HttpRequest, client: Client, current: str) -> dict:
    tabs = tabs_for(request.user)
    return {
        "tabs": [(t, t.count(client, request.user) if t.count else None) for t in tabs],
        "current": get_tab(current),
    }


def _profile_client(request, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user).with_card(), pk=pk)


def client_profile(request: HttpRequest, pk: int, tab: str = "general") -> HttpResponse:
    """The profile frame: header, tab strip and the open tab.

    An htmx request gets only the tab's content; a normal request (reload, back button,
    shared link) the whole page with that tab open.
    """
    if not request.user.has_perm("clients.view"):
        raise PermissionDenied
    client = _profile_client(request, pk)
    current = get_tab(tab)
    if current is None or not current.visible_to(request.user):
        raise Http404
    return in_profile_frame(request, client, tab, current.view(request, client))


def in_profile_frame(
    request: HttpRequest, client: Client, tab: str, response: HttpResponse
) -> HttpResponse:
    """A tab's response as htmx wants it (alone) or inside the whole profile page.

    Tab actions (a form posted to its own URL) use it too, so a refused form posted
    without htmx comes back as the whole page with the tab open.
    """
    if wants_partial(request) or response.status_code != 200:
        response.headers.setdefault("Vary", "HX-Request")
        return response
    if not response.get("Content-Type", "").startswith("text/html"):
        return response
    context = {
        "client": client,
        "tab_html": mark_safe(response.content.decode()),
        **_tab_strip(request, client, tab),
    }
    page = render(request, "clients/profile.html", context)
    page.headers["Vary"] = "HX-Request"
    return page


@permission_required("clients.delete", raise_exception=True)
@require_POST
def client_archive(request: HttpRequest, pk: int) -> HttpResponse:
    client = _profile_client(request, pk)
    archived = request.POST.get("archived", "1") == "1"
    services.client_set_archived(actor=request.user, client=client, archived=archived)
    messages.success(request, _("Client archived.") if archived else _("Client restored."))
    return redirect(client.get_absolute_url())


@permission_required("clients.delete", raise_exception=True)
@require_POST
def client_delete(request: HttpRequest, pk: int) -> HttpResponse:
    client = _profile_client(request, pk)
    try:
        services.client_delete(actor=request.user, client=client)
    except services.ClientDeleteRefused as exc:
        messages.error(request, str(exc))
        return redirect(client.get_absolute_url())
    messages.success(request, _("Client deleted."))
    return redirect("clients:list")


@permission_required("clients.view", raise_exception=True)
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """Live warning while typing: other clients with this phone or email."""
    numbers = []
    for key, value in request.GET.items():
        if key.startswith("phones-") and key.endswith("-number") and value.strip():
            e164 = to_e164(value)
            if e164:
                numbers.append(e164)
    exclude = request.GET.get("client_id", "")
    duplicates = find_duplicates(
        phones=numbers[:20],
        email=request.GET.get("email", "")[:254],
        exclude_id=int(exclude) if exclude.isdigit() else None,
    )
    return render(request, "clients/duplicates.html", {"duplicates": duplicates, "live": True})
