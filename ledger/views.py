"""The Balance and Payments tabs, their actions, and the cashbox pages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import Client
from clients.views import append_profile_header, in_profile_frame
from core.htmx import wants_partial

from . import services
from .forms import CashboxForm, CorrectionForm, PaymentForm
from .models import Cashbox, LedgerEntry, Payment
from .selectors import balance_state, client_entries, client_payments, document_url

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def balance_tab(request: HttpRequest, client: Client, *, form=None) -> HttpResponse:
    """The balance, what it means, and every entry that makes it up."""
    page = _page(request, client_entries(client))
    for entry in page:
        entry.document_link = document_url(entry.source_type, entry.source_id)
    _link_reversed_entries(client, page)
    context = {
        "client": client,
        "state": balance_state(client.balance),
        "page": page,
        "form": form or CorrectionForm(),
        "open_dialog": form is not None,
        "can_correct": request.user.has_perm("ledger.correct"),
        "can_export": request.user.has_perm("clients.export"),
    }
    return render(request, "ledger/tabs/balance.html", context)


def _link_reversed_entries(client: Client, page) -> None:
    """Give each reversal on ``page`` a link to the row it reverses: its anchor, on the page
    of the tab that holds it (newest first, ``PAGE_SIZE`` a page). One query counts the
    newer entries of every reversed row that is on another page."""
    here = {entry.pk for entry in page}
    away = {
        entry.reverses_id for entry in page if entry.reverses_id and entry.reverses_id not in here
    }
    newer = {}
    if away:
        entries = LedgerEntry.objects.filter(client=client)
        newer = entries.aggregate(
            **{f"e{pk}": Count("pk", filter=Q(pk__gt=pk)) for pk in sorted(away)}
        )
    base = reverse("clients:tab", kwargs={"pk": client.pk, "tab": "balance"})
    for entry in page:
        if not entry.reverses_id:
            continue
        anchor = f"#entry-{entry.reverses_id}"
        if entry.reverses_id in here:
            entry.reverses_link = anchor
        else:
            number = newer[f"e{entry.reverses_id}"] // PAGE_SIZE + 1
            entry.reverses_link = f"{base}?page={number}{anchor}"


def payments_tab(request: HttpRequest, client: Client, *, form=None, which="") -> HttpResponse:
    """The client's payments, with "+ Advance" and "- Payment"."""
    page = _page(request, client_payments(client))
    for payment in page:
        payment.document_link = document_url(payment.document_type, payment.document_id)
    context = {
        "client": client,
        "state": balance_state(client.balance),
        "page": page,
        "advance_form": form if which == "advance" else PaymentForm(prefix="advance"),
        "refund_form": form if which == "refund" else PaymentForm(prefix="refund"),
        "open_dialog": which if form is not None else "",
        "can_advance": request.user.has_perm("ledger.accept_advance"),
        "can_refund": request.user.has_perm("ledger.refund"),
    }
    return render(request, "ledger/tabs/payments.html", context)


def _client(request, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


def _done(request, client: Client, tab: str, message: str) -> HttpResponse:
    """After a money operation: the refreshed tab (htmx) or a redirect to it."""
    client.refresh_from_db()
    messages.success(request, message)  # shown on both paths (core/htmx.py)
    if not wants_partial(request):
        return redirect("clients:tab", pk=client.pk, tab=tab)
    view = balance_tab if tab == "balance" else payments_tab
    response = view(request, client)
    append_profile_header(response, request, client, tab)
    return response


def _refused(request, client, tab, form, which="") -> HttpResponse:
    """The tab again with the dialog open and the errors shown (whole page without htmx)."""
    if tab == "balance":
        response = balance_tab(request, client, form=form)
    else:
        response = payments_tab(request, client, form=form, which=which)
    return in_profile_frame(request, client, tab, response)


@permission_required("ledger.correct", raise_exception=True)
@require_POST
def correction_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.balance_correct(actor=request.user, client=client, **form.cleaned_data)
        except services.MoneyError as exc:
            _add_errors(form, exc)
        else:
            return _done(request, client, "balance", _("Correction saved."))
    return _refused(request, client, "balance", form)


@permission_required("ledger.correct", raise_exception=True)
@require_POST
def entry_reverse(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    client = _client(request, pk)
    entry = get_object_or_404(LedgerEntry, pk=entry_id, client=client)
    reason = request.POST.get("reason") or (request.htmx.prompt if request.htmx else "") or ""
    try:
        services.entry_reverse(actor=request.user, entry=entry, reason=reason)
    except services.MoneyError as exc:
        if not wants_partial(request):
            messages.error(request, " ".join(exc.messages))
            return redirect("clients:tab", pk=client.pk, tab="balance")
        response = balance_tab(request, client)
        notice = render(request, "ledger/refused.html", {"errors": exc.messages})
        response.content = notice.content + response.content
        return response
    return _done(request, client, "balance", _("Entry reversed."))


def _payment_action(request, pk: int, which: str) -> HttpResponse:
    client = _client(request, pk)
    form = PaymentForm(request.POST, prefix=which)
    if form.is_valid():
        operation = services.advance_accept if which == "advance" else services.refund_pay
        try:
            operation(actor=request.user, client=client, **form.cleaned_data)
        except services.MoneyError as exc:
            _add_errors(form, exc)
        else:
            message = _("Advance accepted.") if which == "advance" else _("Refund paid.")
            return _done(request, client, "payments", message)
    return _refused(request, client, "payments", form, which)


def _add_errors(form, exc: services.MoneyError) -> None:
    """Show a refused operation's messages next to their fields, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@permission_required("ledger.accept_advance", raise_exception=True)
@require_POST
def advance_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(request, pk, "advance")


@permission_required("ledger.refund", raise_exception=True)
@require_POST
def refund_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(request, pk, "refund")


@permission_required("ledger.view_balance", raise_exception=True)
def cashbox_list(request: HttpRequest) -> HttpResponse:
    cashboxes = Cashbox.objects.order_by("-active", "title", "id")
    return render(request, "ledger/cashbox_list.html", {"page": _page(request, cashboxes)})


@permission_required("ledger.view_balance", raise_exception=True)
def cashbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cashbox = get_object_or_404(Cashbox, pk=pk)
    movements = (
        Payment.objects.filter(cashbox=cashbox).select_related("client", "employee").order_by("-id")
    )
    page = _page(request, movements)
    template = (
        "ledger/cashbox_movements.html" if wants_partial(request) else "ledger/cashbox_detail.html"
    )
    return render(request, template, {"cashbox": cashbox, "page": page})


@permission_required("core.settings", raise_exception=True)
def cashbox_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    cashbox = get_object_or_404(Cashbox, pk=pk) if pk else Cashbox()
    initial = {"title": cashbox.title, "kind": cashbox.kind, "virtual": cashbox.virtual}
    initial["active"] = cashbox.active if cashbox.pk else True
    form = CashboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cashbox_save(actor=request.user, cashbox=cashbox, **form.cleaned_data)
        except services.MoneyError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Cashbox saved."))
            return redirect("ledger:cashbox_detail", pk=saved.pk)
    return render(request, "ledger/cashbox_form.html", {"form": form, "cashbox": cashbox})
