"""Money: Decimal only, quantized to the installation currency's places in one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import get_language, to_locale

# Largest amount one operation may move: keeps every sum inside max_digits=14.
MAX_AMOUNT = Decimal("999999999.99")


def currency() -> str:
    return settings.OFICINA_CURRENCY


def places() -> int:
    return get_currency_precision(currency())


def quantize(value) -> Decimal:
    """``value`` as a Decimal with the currency's places (half-up, as shops round)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(Decimal(1).scaleb(-places()), rounding=ROUND_HALF_UP)


def format_money(value, *, signed: bool = False) -> str:
    """``value`` in the active language's currency format: "R$ 1.234,50", "R$1,234.50"."""
    amount = quantize(value or 0)
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    text = format_currency(abs(amount) if signed else amount, currency(), locale=locale)
    if signed and amount:
        return ("+" if amount > 0 else "-") + text
    return text
