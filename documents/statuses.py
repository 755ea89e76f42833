"""Order statuses, edited in settings. Each status belongs to a group that says what it means
to the system; the name and colour are the shop's. Statuses are never deleted (orders keep
their history), only deactivated."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Order, OrderStatus

Group = OrderStatus.Group
# The groups orders are moved into by the system itself: a new order, a reopened one, a
# closed one. Each keeps at least one active status.
REQUIRED_GROUPS = (Group.NEW, Group.IN_PROGRESS, Group.CLOSED)
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
NAME_MAX = 64


class StatusError(ValidationError):
    """A status change was refused; nothing was written."""


@transaction.atomic
def order_status_save(
    *,
    actor,
    status: OrderStatus | None,
    name: str,
    group: str,
    color: str,
    position: int = 0,
    active: bool = True,
) -> OrderStatus:
    """Create (``status=None``) or change an order status."""
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [
            _("Ensure this value has at most %(limit)d characters.") % {"limit": NAME_MAX}
        ]
    if group not in Group.values:
        errors["group"] = [_("Choose a group.")]
    if not COLOR.match(color or ""):
        errors["color"] = [_("Enter a colour in hex, e.g. #2563eb.")]
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 999:
        errors["position"] = [_("Enter a number from 0 to 999.")]
    if errors:
        raise StatusError(errors)

    if status is not None:
        current = OrderStatus.objects.select_for_update().get(pk=status.pk)
        in_use = Order.objects.filter(status=current).exists()
        if group != current.group and in_use:
            raise StatusError(
                {
                    "group": [
                        _(
                            "Orders are in this status: its group cannot change. "
                            "Add a new status instead."
                        )
                    ]
                }
            )
        leaving = current.active and (not active or group != current.group)
        if leaving and current.group in REQUIRED_GROUPS:
            others = OrderStatus.objects.filter(group=current.group, active=True).exclude(
                pk=current.pk
            )
            if not others.exists():
                raise StatusError(
                    {
                        "active": [
                            _("The group “%(group)s” needs at least one active status.")
                            % {"group": Group(current.group).label}
                        ]
                    }
                )
    else:
        current = OrderStatus()
    current.name, current.group, current.color = name, group, color.lower()
    current.position, current.active = position, active
    current.save()
    return current
