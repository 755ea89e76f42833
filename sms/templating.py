"""Variables in SMS templates: ``{client_name}``, ``{balance}``, ``{last_order_number}``,
``{last_order_status}``, ``{company_name}``.

A template is checked when saved (balanced braces, known names, no format specs such as
``{balance:>10}``; ``{{`` and ``}}`` write a literal brace) and filled in for one client when
chosen. A value the client does not have (no orders yet) is an error that names the
variable, never a message with a hole in it. Values are filled in as plain text; HTML
escaping is the templates' job where the text is shown.

A template is filled in *for an employee*: it shows nothing they could not see themselves.
``{balance}`` needs "View balances" (without it the template is refused with a message that
says why), and the last order is the last one of the orders they may see (their own when
they see only theirs)."""

from collections.abc import Callable
from string import Formatter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money


class Missing(Exception):
    """The client has no value for this variable."""


class NotAllowed(Exception):
    """The employee may not see this variable's value."""


def _balance(client, employee) -> str:
    if not employee.has_perm("ledger.view_balance"):
        raise NotAllowed
    return format_money(client.balance)


def _last_order(client, employee):
    from documents.models import Order

    order = (
        Order.objects.visible_to(employee)
        .filter(client=client)
        .select_related("status")
        .order_by("-created_at", "-id")
        .first()
    )
    if order is None:
        raise Missing
    return order


def _last_order_status(client, employee) -> str:
    # The client reads the shop's language, whichever language the employee works in.
    with translation.override(settings.LANGUAGE_CODE):
        return _last_order(client, employee).status.display_name


# name: (label, value for (client, employee))
VARIABLES: dict[str, tuple[object, Callable]] = {
    "client_name": (gettext_lazy("Client name"), lambda c, e: c.display_name),
    "balance": (gettext_lazy("Client balance"), _balance),
    "last_order_number": (
        gettext_lazy("Last order number"),
        lambda c, e: _last_order(c, e).number,
    ),
    "last_order_status": (
        gettext_lazy("Last order status"),
        _last_order_status,
    ),
    "company_name": (gettext_lazy("Company name"), lambda c, e: settings.OFICINA_COMPANY_NAME),
}


def parse(text: str) -> list[tuple[str, str | None]]:
    """(literal, variable or None) pieces of ``text``; ValidationError if it is malformed."""
    try:
        pieces = list(Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            _("Braces do not match: write {{ and }} for a literal brace."), code="syntax"
        ) from exc
    result = []
    for literal, field, spec, conversion in pieces:
        if field is None:
            result.append((literal, None))
            continue
        if spec or conversion or not field.isidentifier():
            shown = "{" + field + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise ValidationError(
                _("“%(variable)s” is not a variable: use a name such as {client_name}."),
                code="syntax",
                params={"variable": shown},
            )
        result.append((literal, field))
    return result


def unknown_error(name: str) -> ValidationError:
    return ValidationError(
        _("Unknown variable {%(name)s}. Known variables: %(known)s."),
        code="unknown_variable",
        params={"name": name, "known": ", ".join("{" + k + "}" for k in VARIABLES)},
    )


def check(text: str) -> None:
    """Refuse a template with a syntax error or an unknown variable (when saving it)."""
    for _literal, name in parse(text):
        if name is not None and name not in VARIABLES:
            raise unknown_error(name)


def render(text: str, client, employee) -> str:
    """``text`` with the client's values as ``employee`` may see them; ValidationError naming
    what is missing or not theirs to see."""
    out = []
    for literal, name in parse(text):
        out.append(literal)
        if name is None:
            continue
        if name not in VARIABLES:
            raise unknown_error(name)
        label, value = VARIABLES[name]
        try:
            out.append(str(value(client, employee)))
        except NotAllowed:
            raise ValidationError(
                _("{%(name)s} (%(label)s) is not filled in for you: your role does not show it."),
                code="not_allowed",
                params={"name": name, "label": label},
            ) from None
        except Missing:
            raise ValidationError(
                _("{%(name)s} (%(label)s) has no value for %(client)s: %(why)s"),
                code="missing_value",
                params={
                    "name": name,
                    "label": label,
                    "client": client.display_name,
                    "why": _("the client has no orders yet that you can see."),
                },
            ) from None
    return "".join(out)
