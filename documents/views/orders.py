"""A work order's dialog and its actions: "+ Order", lines, status, prepayment, close,
reopen. Each action checks its permission, calls one service and answers with the dialog."""

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledger.models import Payment
from ledger.selectors import balance_state
from ledger.services import MoneyError

from .. import orders as services
from ..document_forms import (
    CloseForm,
    LineEditForm,
    LineForm,
    MoneyForm,
    OrderForm,
    OrderStatusForm,
    ReasonForm,
)
from ..hooks import order_panels
from ..models import Order, OrderItem
from ..permissions import (
    can_close_documents,
    can_edit_documents,
    can_reopen_documents,
)
from .common import (
    add_errors,
    after_change,
    dialog_page,
    documents_viewer_required,
    require,
    scoped,
    scoped_client,
)

ORDER_FORM_FIELDS = ("order_type", "malfunction", "description", "manager", "assignee", "due_date")
EDIT_PREFIX = "edit"


def order_url(order: Order) -> str:
    return reverse("documents:order_detail", args=[order.pk])


def _order(request, pk: int) -> Order:
    return scoped(Order, request, pk)


def order_dialog(request: HttpRequest, order: Order, *, forms: dict | None = None) -> str:
    """The order's dialog: lines, totals, payments, status history and the actions this
    employee may take. ``forms`` holds a refused form to show again, opened."""
    order = Order.objects.select_related(
        "client", "status", "manager", "assignee", "created_by"
    ).get(pk=order.pk)
    forms = forms or {}
    user = request.user
    is_open = order.status.group not in services.FINISHED_GROUPS
    # Its own prefix: the "+ Line" form beside it has an Assignee too (one id per field).
    edit_form = forms.get("edit") or OrderForm(
        prefix=EDIT_PREFIX, initial={name: getattr(order, name) for name in ORDER_FORM_FIELDS}
    )
    can_edit = is_open and can_edit_documents(user)
    # The prepayment view needs both (see order_prepay): offer only what can be sent.
    can_prepay = can_edit and user.has_perm("ledger.accept_advance")
    can_close = is_open and can_close_documents(user)
    can_reopen = order.status.group == services.Group.CLOSED and can_reopen_documents(user)
    offered = {
        "line": can_edit,
        "line_edit": can_edit,
        "edit": can_edit,
        "status": can_edit,
        "prepay": can_prepay,
        "close": can_close,
        "reopen": can_reopen,
    }
    rest = order.total - order.paid
    items = list(OrderItem.objects.filter(order=order).select_related("assignee"))
    plan = services.close_plan(order)
    after_cashbox = plan.balance_after(Order.Settlement.CASHBOX)
    after_balance = plan.balance_after(Order.Settlement.BALANCE)
    context = {
        "order": order,
        "client": order.client,
        "items": items,
        "has_lines": bool(items),
        # What closing would do with the client's advance, for both ways to settle.
        "plan": plan,
        "after_cashbox": after_cashbox,
        "after_cashbox_state": balance_state(after_cashbox),
        "after_balance": after_balance,
        "after_balance_state": balance_state(after_balance),
        "payments": Payment.objects.filter(document_type="order", document_id=order.pk)
        .select_related("cashbox", "employee")
        .order_by("id"),
        "history": order.status_changes.select_related(
            "from_status", "to_status", "employee"
        ).order_by("id"),
        "rest": rest,
        # Paid beyond the total: left on the client's balance as credit.
        "overpaid": -rest if rest < 0 else 0,
        "is_open": is_open,
        "is_closed": order.status.group == services.Group.CLOSED,
        "can_edit": can_edit,
        "can_prepay": can_prepay,
        "can_close": can_close,
        "can_reopen": can_reopen,
        "refused": next((form for key, form in forms.items() if not offered[key]), None),
        "line_form": forms.get("line") or LineForm(),
        "line_edit_form": forms.get("line_edit") if can_edit else None,
        "edit_form": edit_form,
        "status_form": forms.get("status") or OrderStatusForm(initial={"status": order.status}),
        "prepay_form": forms.get("prepay") or MoneyForm(prefix="prepay"),
        "close_form": forms.get("close") or CloseForm(prefix="close"),
        "reopen_form": forms.get("reopen") or ReasonForm(prefix="reopen"),
        "opened": next(iter(forms), ""),
        "url": order_url(order),
        "panels": [mark_safe(html) for html in order_panels(request=request, order=order)],
    }
    return render_to_string("documents/dialogs/order.html", context, request=request)


@documents_viewer_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    return dialog_page(request, order.client, order_dialog(request, order))


@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Order": the new order's own fields; then its dialog, to add lines."""
    require(request, "documents.edit")
    client = scoped_client(request, pk)
    form = OrderForm(
        request.POST if request.method == "POST" else None, initial={"manager": request.user}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in ORDER_FORM_FIELDS}
        data["manager"] = data.get("manager") or request.user
        try:
            order = services.order_create(actor=request.user, client=client, **data)
        except services.OrderError as exc:
            add_errors(form, exc)
        else:
            return after_change(
                request,
                client,
                order_dialog(request, order),
                message=_("Order %(number)s created.") % {"number": order.number},
                url=order_url(order),
                refresh_header=True,
            )
    html = render_to_string(
        "documents/dialogs/order_new.html", {"client": client, "form": form}, request=request
    )
    return dialog_page(request, client, html)


def _act(request, order: Order, key: str, form, operation, message: str, *, refresh_header=False):
    """Run ``operation(form)`` if the form is valid; answer with the refreshed dialog, or
    with the form again (its errors shown, its section open) when anything refused it."""
    if form.is_valid():
        try:
            operation(form)
        except (services.OrderError, MoneyError) as exc:
            add_errors(form, exc)
        else:
            order.refresh_from_db()
            return after_change(
                request,
                order.client,
                order_dialog(request, order),
                message=message,
                url=order_url(order),
                refresh_header=refresh_header,
            )
    return dialog_page(request, order.client, order_dialog(request, order, forms={key: form}))


@require_POST
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    order = _order(request, pk)
    form = OrderForm(request.POST, prefix=EDIT_PREFIX)

    def save(form):
        services.order_update(actor=request.user, order=order, **form.cleaned_data)

    return _act(request, order, "edit", form, save, _("Order saved."))


@require_POST
def order_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    order = _order(request, pk)
    form = LineForm(request.POST)

    def add(form):
        services.order_item_add(actor=request.user, order=order, **form.line())

    return _act(request, order, "line", form, add, _("Line added."))


@require_POST
def order_item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    require(request, "documents.edit")
    order = _order(request, pk)
    item = get_object_or_404(OrderItem, pk=item_id, order=order)
    form = Form(data={})  # nothing to fill in; it carries a refusal, if any

    def remove(form):
        services.order_item_remove(actor=request.user, item=item)

    return _act(request, order, "line", form, remove, _("Line removed."))


@require_http_methods(["GET", "POST"])
def order_item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """A line's title and numbers, edited in the dialog (GET opens the form)."""
    require(request, "documents.edit")
    order = _order(request, pk)
    item = get_object_or_404(OrderItem, pk=item_id, order=order)
    if request.method == "GET":
        form = LineEditForm(item=item)
        html = order_dialog(request, order, forms={"line_edit": form})
        return dialog_page(request, order.client, html)
    form = LineEditForm(request.POST, item=item)

    def save(form):
        services.order_item_update(actor=request.user, item=item, **form.cleaned_data)

    return _act(request, order, "line_edit", form, save, _("Line saved."))


@require_POST
def order_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit")
    order = _order(request, pk)
    form = OrderStatusForm(request.POST)

    def move(form):
        services.order_status_set(actor=request.user, order=order, **form.cleaned_data)

    return _act(request, order, "status", form, move, _("Status changed."))


@require_POST
def order_prepay(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.edit", "ledger.accept_advance")
    order = _order(request, pk)
    form = MoneyForm(request.POST, prefix="prepay")

    def pay(form):
        services.order_prepay(actor=request.user, order=order, **form.cleaned_data)

    return _act(request, order, "prepay", form, pay, _("Prepayment taken."), refresh_header=True)


@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.close")
    order = _order(request, pk)
    form = CloseForm(request.POST, prefix="close")

    def close(form):
        services.order_close(actor=request.user, order=order, **form.cleaned_data)

    message = _("Order %(number)s closed.") % {"number": order.number}
    return _act(request, order, "close", form, close, message, refresh_header=True)


@require_POST
def order_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "documents.reopen")
    order = _order(request, pk)
    form = ReasonForm(request.POST, prefix="reopen")

    def reopen(form):
        services.order_reopen(actor=request.user, order=order, **form.cleaned_data)

    message = _("Order %(number)s reopened.") % {"number": order.number}
    return _act(request, order, "reopen", form, reopen, message, refresh_header=True)
