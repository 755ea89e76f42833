"""Numbers as people type them: ``150,75``, ``150.75``, ``1.500,75``, ``1,500.75``, ``R$ 150``.

A money box that is an ``<input type="number">`` reads what is typed by the *browser's*
language, not the page's: a Brazilian cashier on an English Chrome types ``150,75`` and the
browser quietly sends ``15075``. So amounts are typed into text boxes and read here, on the
server, by these rules:

- a currency sign or code (``R$``, ``$``, ``€``, ``BRL``, …) before or after the number and a
  leading ``+`` are ignored; spaces may group thousands (``1 500,75``), nothing else;
- with both ``.`` and ``,`` the last one is the decimal separator and the other groups
  thousands (``1.500,75`` and ``1,500.75`` are both 1500.75);
- a separator that appears more than once groups thousands (``1.500.000``);
- one separator followed by exactly three digits is read as the active language reads it
  (``1.500`` is 1500 in Portuguese and 1.5 in English); any other single separator is the
  decimal one (``150,75`` and ``150.75`` are both 150.75 in every language);
- thousands groups must have three digits; anything else is not a number.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language

SEPARATORS = ".,"
_SIGNS = r"(?:R\$|US\$|\$|€|£|BRL|USD|EUR)"
_CURRENCY = re.compile(rf"^{_SIGNS}\s*|\s*{_SIGNS}$")
# Groups of three digits separated by spaces (regular, no-break or narrow no-break).
_SPACED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d*)?$")


def _thousand_separator() -> str:
    return formats.get_format("THOUSAND_SEPARATOR", get_language()) or ","


def _grouped(integer: str, separator: str) -> str | None:
    """``integer`` with its thousands ``separator`` removed, or None when its groups are
    not of three digits."""
    parts = integer.split(separator)
    if not parts[0] or not all(len(part) == 3 for part in parts[1:]):
        return None
    if not all(part.isdigit() for part in parts):
        return None
    return "".join(parts)


def parse_decimal(text: str) -> Decimal:
    """The number ``text`` means; ``ValueError`` when it is not one (see the module)."""
    value = _CURRENCY.sub("", str(text).strip()).strip()
    sign = ""
    if value[:1] in ("+", "-"):
        sign, value = ("-" if value[0] == "-" else ""), value[1:].strip()
        value = _CURRENCY.sub("", value).strip()
    if _SPACED.match(value):
        value = re.sub(r"[ \u00a0\u202f]", "", value)
    if not value or not value.isascii():  # nothing, or another script's digits
        raise ValueError(text)
    if any(ch not in SEPARATORS and not ch.isdigit() for ch in value):
        raise ValueError(text)
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        decimal = "." if value.rfind(".") > value.rfind(",") else ","
        integer, _, fraction = value.rpartition(decimal)
        thousands = "," if decimal == "." else "."
        integer = _grouped(integer, thousands)
    elif dots or commas:
        separator = "." if dots else ","
        if value.count(separator) > 1:
            integer, fraction = _grouped(value, separator), ""
        else:
            head, _, tail = value.partition(separator)
            if len(tail) == 3 and separator == _thousand_separator():
                integer, fraction = _grouped(value, separator), ""
            else:
                integer, fraction = head or "0", tail
    else:
        integer, fraction = value, ""
    if integer is None or not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(text)
    fraction = fraction.rstrip("0")  # "1,500" in Portuguese is 1.5, not three places
    try:
        return Decimal(f"{sign}{integer}.{fraction or '0'}")
    except InvalidOperation:
        raise ValueError(text) from None


def format_quantity(value) -> str:
    """A quantity with the places it has, in the active language: ``1``, ``1,5``, ``2,25``
    (never ``2,000`` or ``1,500``, which a Brazilian reads as thousands). Grouped by
    thousands like other numbers on the page (``1.500`` units in Portuguese)."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(value)
    plain = Decimal(format(number.normalize(), "f"))
    places = max(0, -plain.as_tuple().exponent)
    return formats.number_format(plain, decimal_pos=places, force_grouping=True)
