"""Line and document totals: the one place they are computed.

A line is quantity times unit price less a discount, given either as a percentage or as an amount
of money. Everything is ``Decimal`` and computed exactly; the line total is rounded once, at
the end, to the currency's places (half-up, ``core.money.quantize``). A document's total is
the sum of its lines' rounded totals, so the lines a client reads always add up to the total
they are charged. Nothing here reads or writes the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.money import MAX_AMOUNT, format_money, places, quantize

ZERO = Decimal("0")
HUNDRED = Decimal("100")
QUANTITY_PLACES = 3
MAX_QUANTITY = Decimal("999999.999")
PERCENT_PLACES = 2
# Exact arithmetic for the largest line: 10^6 × 10^9 with 5 decimals, times a percentage.
PRECISION = 40


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percent")
    AMOUNT = "amount", _("Amount")


class LineKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    TEXT = "text", _("Free text")


class TotalsError(ValidationError):
    """Numbers a line or a document cannot have; the messages say which field and why."""


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if isinstance(value, float):
        # A float has already lost the cents it was meant to carry.
        raise TypeError(f"{field} must be a Decimal, not a float")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        errors.setdefault(field, []).append(gettext("Enter a number."))
        return None
    return number


def _has_places(value: Decimal, count: int) -> bool:
    """True when ``value`` has no more than ``count`` decimal places (checked exactly)."""
    with localcontext(prec=PRECISION):
        return value == value.quantize(Decimal(1).scaleb(-count), rounding=ROUND_DOWN)


def places_error(count: int) -> str:
    """The message for a number with more than ``count`` decimal places."""
    return ngettext(
        "Use at most %(places)d decimal place.", "Use at most %(places)d decimal places.", count
    ) % {"places": count}


@dataclass(frozen=True)
class LineInput:
    """The numbers of one line. Refused on creation (``TotalsError``) when they are not a
    line a document may have, so every function below can trust them.

    ``discount`` is a percentage (0 to 100) or an amount of money (0 up to quantity times price),
    as ``discount_kind`` says. Strings and integers are accepted and kept as ``Decimal``.
    """

    quantity: Decimal
    price: Decimal
    discount: Decimal = ZERO
    discount_kind: str = DiscountKind.PERCENT

    def __post_init__(self):
        errors: dict[str, list[str]] = {}
        quantity = _decimal(self.quantity, "quantity", errors)
        price = _decimal(self.price, "price", errors)
        discount = _decimal(self.discount, "discount", errors)
        if self.discount_kind not in DiscountKind.values:
            errors.setdefault("discount_kind", []).append(gettext("Unknown discount kind."))
        if quantity is not None:
            check_quantity(quantity, errors)
        if price is not None:
            _check_money(price, "price", errors)
        if discount is not None and self.discount_kind == DiscountKind.PERCENT:
            _check_percent(discount, errors)
        elif discount is not None and self.discount_kind == DiscountKind.AMOUNT:
            _check_money(discount, "discount", errors)
        if errors:
            raise TotalsError(errors)

        gross = _multiply(quantity, price)
        if gross > MAX_AMOUNT:
            errors["price"] = [
                gettext("Quantity × price may be at most %(max)s.")
                % {"max": format_money(MAX_AMOUNT)}
            ]
        elif self.discount_kind == DiscountKind.AMOUNT and discount > gross:
            errors["discount"] = [
                gettext("The discount may be at most the line's amount, %(amount)s.")
                % {"amount": format_money(gross)}
            ]
        if errors:
            raise TotalsError(errors)
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "price", price)
        object.__setattr__(self, "discount", discount)
        object.__setattr__(self, "discount_kind", DiscountKind(self.discount_kind))

    @property
    def gross(self) -> Decimal:
        """Quantity times price, exact (not rounded)."""
        return _multiply(self.quantity, self.price)

    @property
    def discount_value(self) -> Decimal:
        """The money the discount takes off, exact (not rounded)."""
        if self.discount_kind == DiscountKind.AMOUNT:
            return self.discount
        with localcontext(prec=PRECISION):
            return self.gross * self.discount / HUNDRED


def check_quantity(quantity: Decimal, errors: dict) -> None:
    """A finite quantity's range and places; what is wrong goes into ``errors``."""
    if quantity <= 0:
        errors["quantity"] = [gettext("Enter a quantity greater than zero.")]
    elif quantity > MAX_QUANTITY:
        errors["quantity"] = [
            gettext("The quantity may be at most %(max)s.")
            % {"max": number_format(MAX_QUANTITY, decimal_pos=QUANTITY_PLACES)}
        ]
    elif not _has_places(quantity, QUANTITY_PLACES):
        errors["quantity"] = [places_error(QUANTITY_PLACES)]


def _check_money(amount: Decimal, field: str, errors: dict) -> None:
    """A price or an amount discount: zero or more, within range, in the currency's places."""
    if amount < 0:
        errors[field] = [gettext("Enter an amount of zero or more.")]
    elif amount > MAX_AMOUNT:
        errors[field] = [
            gettext("The amount may be at most %(max)s.") % {"max": format_money(MAX_AMOUNT)}
        ]
    elif not _has_places(amount, places()):
        errors[field] = [places_error(places())]


def _check_percent(percent: Decimal, errors: dict) -> None:
    if not ZERO <= percent <= HUNDRED:
        errors["discount"] = [gettext("A discount in percent is between 0 and 100.")]
    elif not _has_places(percent, PERCENT_PLACES):
        errors["discount"] = [places_error(PERCENT_PLACES)]


def _multiply(quantity: Decimal, price: Decimal) -> Decimal:
    """Quantity times price with enough precision that no digit is lost."""
    with localcontext(prec=PRECISION):
        return quantity * price


def line_total(line: LineInput) -> Decimal:
    """Quantity times price less the discount, rounded once to the currency's places."""
    with localcontext(prec=PRECISION):
        total = quantize(line.gross - line.discount_value)
    # gross ≥ discount, so the total is never negative; a zero is written without a sign.
    return total if total else quantize(ZERO)


def line_discount(line: LineInput) -> Decimal:
    """The discount as the line shows it: its rounded amount less its rounded total, so the
    three numbers printed on a line always agree."""
    return quantize(line.gross) - line_total(line)


def document_total(lines: Iterable[LineInput]) -> Decimal:
    """The sum of the lines' totals, each already rounded; refused when no document could
    hold it (the ledger charges at most ``MAX_AMOUNT``)."""
    total = sum((line_total(line) for line in lines), start=quantize(ZERO))
    if total > MAX_AMOUNT:
        raise TotalsError(
            {
                "items": [
                    gettext("A document's total may be at most %(max)s.")
                    % {"max": format_money(MAX_AMOUNT)}
                ]
            }
        )
    return total


def proposed_discount(client, kind: str) -> Decimal:
    """The client's personal discount, in percent, proposed for a new line of ``kind``.

    Products take the discount on goods, services the discount on services; a free-text
    line has none (it is neither). Without a client there is no discount.
    """
    if client is None:
        return ZERO
    if kind == LineKind.PRODUCT:
        return client.discount_goods or ZERO
    if kind == LineKind.SERVICE:
        return client.discount_services or ZERO
    if kind == LineKind.TEXT:
        return ZERO
    raise ValueError(f"unknown line kind: {kind!r}")
