"""Every change to an estimate goes through these functions (pages, API, tests).

An estimate never touches the balance. Each function is one transaction that locks the
estimate row first; a refused change raises ``EstimateError`` and writes nothing.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.models import Client

from .checks import MAX_LONG_TEXT, clean_date, clean_employee, clean_text
from .lines import copied_values, line_changes, line_values, lines_total
from .models import Estimate, EstimateItem, Order, OrderItem, OrderStatus
from .numbering import next_number
from .orders import order_create

Status = Estimate.Status
ESTIMATE_FIELDS = {"manager", "description", "valid_until"}
# What an employee may set by hand; Converted is reached only by converting.
SETTABLE_STATUSES = (
    Status.DRAFT,
    Status.SENT,
    Status.ACCEPTED,
    Status.REJECTED,
    Status.CANCELLED,
)


class EstimateError(ValidationError):
    """An estimate change was refused; nothing was written. The messages say why."""


def _fields(fields: dict) -> dict:
    unknown = set(fields) - ESTIMATE_FIELDS
    if unknown:
        raise TypeError(f"unknown estimate fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    if "description" in cleaned:
        cleaned["description"] = clean_text(
            cleaned["description"], "description", error=EstimateError, limit=MAX_LONG_TEXT
        )
    if "valid_until" in cleaned:
        cleaned["valid_until"] = clean_date(
            cleaned["valid_until"], "valid_until", error=EstimateError
        )
    if "manager" in cleaned:
        cleaned["manager"] = clean_employee(cleaned["manager"], "manager", error=EstimateError)
    return cleaned


def _refuse_past_valid_until(cleaned: dict, *, kept=None) -> None:
    """An estimate cannot be offered until a day that has already gone (in the shop's time
    zone). A date that has passed since it was set (``kept``) may stay as it is, so the other
    fields of an old estimate can still be changed."""
    valid_until = cleaned.get("valid_until")
    if valid_until is None or valid_until == kept:
        return
    today = timezone.localdate()
    if valid_until < today:
        raise EstimateError(
            {
                "valid_until": [
                    _("“Valid until” cannot be in the past: choose today (%(today)s) or later.")
                    % {"today": date_format(today, "SHORT_DATE_FORMAT")}
                ]
            }
        )


def _lock(estimate: Estimate) -> Estimate:
    return (
        Estimate.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=estimate.pk)
    )


def _refuse_if_final(estimate: Estimate) -> None:
    number = {"number": estimate.number}
    if estimate.status == Status.CONVERTED:
        raise EstimateError(
            _("Estimate %(number)s was converted into an order and cannot be changed.") % number
        )
    if estimate.status == Status.CANCELLED:
        raise EstimateError(_("Estimate %(number)s is cancelled and cannot be changed.") % number)


def _recompute_total(estimate: Estimate) -> None:
    total = lines_total(EstimateItem.objects.filter(estimate=estimate), error=EstimateError)
    Estimate.objects.filter(pk=estimate.pk).update(total=total)
    estimate.total = total


@transaction.atomic
def estimate_create(*, actor, client: Client, items: Iterable[dict] = (), **fields) -> Estimate:
    """Write an estimate (Draft) for ``client``, numbered from the estimate sequence.

    ``fields``: manager (the employee writing it, by default), description, valid_until.
    ``items``: lines to add at once (the arguments of ``estimate_item_add``).
    """
    fields.setdefault("manager", actor)
    cleaned = _fields(fields)
    _refuse_past_valid_until(cleaned)
    estimate = Estimate(client=client, created_by=actor, **cleaned)
    estimate.number = next_number("estimate")
    estimate.save()
    for line in items:
        estimate_item_add(actor=actor, estimate=estimate, **line)
    return estimate


@transaction.atomic
def estimate_update(*, actor, estimate: Estimate, **fields) -> Estimate:
    """Change the estimate's manager, description or valid-until date."""
    cleaned = _fields(fields)
    locked = _lock(estimate)
    _refuse_if_final(locked)
    _refuse_past_valid_until(cleaned, kept=locked.valid_until)
    if cleaned:
        Estimate.objects.filter(pk=locked.pk).update(**cleaned)
    for name, value in cleaned.items():
        setattr(estimate, name, value)
    return estimate


@transaction.atomic
def estimate_item_add(*, actor, estimate: Estimate, **line) -> EstimateItem:
    """Add a line (the arguments of ``documents.lines.line_values``) and recompute the total."""
    locked = _lock(estimate)
    _refuse_if_final(locked)
    values = line_values(error=EstimateError, client=locked.client, **line)
    position = (locked.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = EstimateItem.objects.create(estimate=locked, position=position, **values)
    _recompute_total(locked)
    estimate.total = locked.total
    return item


@transaction.atomic
def estimate_item_update(*, actor, item: EstimateItem, **changes) -> EstimateItem:
    """Change a line of the estimate and recompute its total."""
    locked = _lock(item.estimate)
    _refuse_if_final(locked)
    current = EstimateItem.objects.get(pk=item.pk, estimate=locked)
    values = line_changes(current, changes, error=EstimateError)
    EstimateItem.objects.filter(pk=current.pk).update(**values)
    _recompute_total(locked)
    for name, value in values.items():
        setattr(item, name, value)
    item.estimate.total = locked.total
    return item


@transaction.atomic
def estimate_item_remove(*, actor, item: EstimateItem) -> None:
    """Remove a line of the estimate and recompute its total."""
    locked = _lock(item.estimate)
    _refuse_if_final(locked)
    EstimateItem.objects.filter(pk=item.pk, estimate=locked).delete()
    _recompute_total(locked)
    item.estimate.total = locked.total


@transaction.atomic
def estimate_status_set(*, actor, estimate: Estimate, status: str) -> Estimate:
    """Mark the estimate Draft, Sent, Accepted, Rejected or Cancelled."""
    if status not in SETTABLE_STATUSES:
        if status == Status.CONVERTED:
            raise EstimateError({"status": [_("Use “Create order” to convert an estimate.")]})
        raise EstimateError({"status": [_("Unknown status.")]})
    locked = _lock(estimate)
    _refuse_if_final(locked)
    Estimate.objects.filter(pk=locked.pk).update(status=status)
    estimate.status = status
    return estimate


@transaction.atomic
def estimate_convert(
    *, actor, estimate: Estimate, status: OrderStatus | None = None, **order_fields
) -> Order:
    """Copy the estimate into a new work order (its lines, manager and description) and mark
    the estimate Converted, pointing at the order. An estimate converts once."""
    locked = _lock(estimate)
    if locked.status == Status.CONVERTED:
        order_number = Order.objects.filter(pk=locked.order_id).values_list("number", flat=True)
        raise EstimateError(
            _("Estimate %(number)s was already converted into order %(order)s.")
            % {"number": locked.number, "order": order_number.first() or "?"}
        )
    if locked.status == Status.CANCELLED:
        raise EstimateError(
            _("Estimate %(number)s is cancelled and cannot be converted.")
            % {"number": locked.number}
        )
    manager = locked.manager if locked.manager and locked.manager.is_active else actor
    order_fields.setdefault("manager", manager)
    order_fields.setdefault("description", locked.description)
    order = order_create(actor=actor, client=locked.client, status=status, **order_fields)
    lines = [OrderItem(order=order, **copied_values(item)) for item in locked.items.all()]
    OrderItem.objects.bulk_create(lines)
    total = lines_total(lines, error=EstimateError)
    Order.objects.filter(pk=order.pk).update(total=total)
    order.total = total
    Estimate.objects.filter(pk=locked.pk).update(status=Status.CONVERTED, order=order)
    estimate.status, estimate.order = Status.CONVERTED, order
    return order
