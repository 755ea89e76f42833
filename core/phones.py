"""Phone numbers: parse what people type, store E.164, show it nicely.

Numbers typed without a country code are read in the installation's region
(``OFICINA_PHONE_REGION``, Brazil by default): "(11) 98765-4321", "11987654321" and
"+55 11 98765 4321" are all +5511987654321.
"""

import re
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PHONE_INPUT = 40


def parse_phone(raw: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    """Return the parsed number, or None when ``raw`` is not a valid phone number."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_PHONE_INPUT:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region or settings.OFICINA_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return number


def to_e164(raw: str, region: str | None = None) -> str | None:
    """E.164 form of ``raw``, or None when it is not a valid number."""
    number = parse_phone(raw, region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str, region: str | None = None) -> str:
    """E.164 form of ``raw``; raises ValidationError with a clear message when invalid."""
    e164 = to_e164(raw, region)
    if e164 is None:
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."),
            code="invalid_phone",
            params={"value": (raw or "")[:MAX_PHONE_INPUT]},
        )
    return e164


def format_phone(e164: str) -> str:
    """Human form: national format for the home region, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.OFICINA_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def phone_search_key(query: str) -> tuple[str | None, str]:
    """What a search box query means as a phone: (E.164 if it is a full number, its digits).

    The digits allow partial matches ("4321" finds the numbers ending that way).
    """
    digits = re.sub(r"\D", "", query or "")
    return to_e164(query), digits


MIN_NATIONAL_DIGITS = 6
MAX_E164_DIGITS = 15


@lru_cache(maxsize=1)
def _calling_codes() -> tuple[int, ...]:
    return tuple(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))


def phone_search_numbers(query: str) -> list[str]:
    """Every stored E.164 number that a query typed without ``+`` may stand for.

    People copy a foreign number as it is written at home ("617 555 4574", "020 7946 0018")
    or with its country code but no ``+`` ("1 617 555 4574"). Read in the home region alone,
    such a query is another number (or none). The candidates are the home region's reading,
    the digits as a whole international number, and the digits (less a trunk ``0``) as the
    national significant number after each country calling code — exact values, so a search
    uses the phone number index instead of reading every row. Empty for a query that has a
    ``+`` (it means exactly one number) or too few digits to be a whole national number.
    """
    text = (query or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith(("+", "00")) or len(digits) < MIN_NATIONAL_DIGITS:
        return []
    found: list[str] = []
    home = to_e164(text)
    if home:
        found.append(home)
    nationals = {digits, digits.lstrip("0")}
    wholes = {"+" + digits} if not digits.startswith("0") else set()
    for code in _calling_codes():
        for national in nationals:
            if national and len(str(code)) + len(national) <= MAX_E164_DIGITS:
                wholes.add(f"+{code}{national}")
    found += sorted(wholes - set(found))
    return found
