"""A sale's dialog, "+ Sale" (lines, paid now or charged) and returns."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledger.models import Payment
from ledger.services import MoneyError

from .. import sales as services
from ..document_forms import LineFormSet, ReturnForm, SaleForm
from ..models import Sale, SaleItem
from ..permissions import can_sell
from .common import (
    add_errors,
    after_change,
    dialog_page,
    documents_viewer_required,
    require,
    scoped,
    scoped_client,
)

# A sale charges the balance at once, as closing an order does: it takes both permissions.
SELL = ("documents.edit", "documents.close")


def sale_url(sale: Sale) -> str:
    return reverse("documents:sale_detail", args=[sale.pk])


def _items(sale: Sale):
    return list(SaleItem.objects.filter(sale=sale).select_related("assignee"))


def sale_dialog(request: HttpRequest, sale: Sale, *, return_form=None) -> str:
    sale = Sale.objects.select_related("client", "manager").get(pk=sale.pk)
    items = _items(sale)
    can_return = can_sell(request.user) and sale.returned < sale.total
    context = {
        "sale": sale,
        "client": sale.client,
        "items": items,
        "payments": Payment.objects.filter(document_type="sale", document_id=sale.pk)
        .select_related("cashbox", "employee")
        .order_by("id"),
        "returns": sale.returns.select_related("cashbox", "created_by").prefetch_related(
            "lines__item"
        ),
        "can_return": can_return,
        "can_pay_back": request.user.has_perm("ledger.refund"),
        "return_form": return_form
        or (ReturnForm(prefix="return", sale=sale, items=items) if can_return else None),
        "opened": "return" if return_form is not None else "",
        # A refused return when nothing is left to return: its errors at the top.
        "refused": return_form if not can_return else None,
        "url": sale_url(sale),
    }
    return render_to_string("documents/dialogs/sale.html", context, request=request)


@documents_viewer_required
def sale_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sale = scoped(Sale, request, pk)
    return dialog_page(request, sale.client, sale_dialog(request, sale))


@require_http_methods(["GET", "POST"])
def sale_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Sale": the lines and how they are paid, completed in one step."""
    require(request, *SELL)
    client = scoped_client(request, pk)
    data = request.POST if request.method == "POST" else None
    form = SaleForm(data, prefix="sale")
    lines = LineFormSet(data, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        items = lines.lines()
        try:
            sale = services.sale_create(
                actor=request.user, client=client, items=items, **form.cleaned_data
            )
        except (services.SaleError, MoneyError) as exc:
            add_errors(form, exc)
        else:
            return after_change(
                request,
                client,
                sale_dialog(request, sale),
                message=_("Sale %(number)s completed.") % {"number": sale.number},
                url=sale_url(sale),
                refresh_header=True,
            )
    context = {"client": client, "form": form, "lines": lines}
    html = render_to_string("documents/dialogs/sale_new.html", context, request=request)
    return dialog_page(request, client, html)


@require_POST
def sale_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """The new-sale dialog's total, worked out from the lines typed so far (nothing saved)."""
    require(request, *SELL)
    client = scoped_client(request, pk)
    lines = LineFormSet(request.POST, prefix="lines")
    context = {"client": client, "total": None, "discount": None, "problem": ""}
    items = lines.lines() if lines.is_valid() else []
    if items:
        try:
            rows, context["total"] = services.sale_quote(client=client, items=items)
            context["discount"] = sum(row.discount_amount for row in rows)
        except services.SaleError as exc:
            context["problem"] = " ".join(exc.messages)
    elif not lines.is_valid():
        context["problem"] = _("Check the lines: the total appears once they are complete.")
    return render(request, "documents/dialogs/sale_quote.html", context)


@require_POST
def sale_return(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, *SELL)
    sale = scoped(Sale, request, pk)
    form = ReturnForm(request.POST, prefix="return", sale=sale, items=_items(sale))
    if form.is_valid():
        arguments = form.arguments()
        if "cashbox" in arguments:
            require(request, "ledger.refund")
        try:
            services.sale_return(actor=request.user, sale=sale, **arguments)
        except (services.SaleError, MoneyError) as exc:
            add_errors(form, exc)
        else:
            return after_change(
                request,
                sale.client,
                sale_dialog(request, sale),
                message=_("Return recorded."),
                url=sale_url(sale),
                refresh_header=True,
            )
    return dialog_page(request, sale.client, sale_dialog(request, sale, return_form=form))
