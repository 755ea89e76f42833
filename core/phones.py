"""Phone numbers: parse what people type, store E.164, show it nicely.

Numbers typed without a country code are read in the installation's region
(``OFICINA_PHONE_REGION``, Brazil by default): "(11) 98765-4321", "11987654321" and
"+55 11 98765 4321" are all +5511987654321.
"""

import re

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
