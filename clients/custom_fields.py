"""Validation of client custom field values against the definitions in settings."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CustomField

MAX_TEXT = 500


def active_definitions() -> list[CustomField]:
    return list(CustomField.objects.filter(active=True))


def clean_value(definition: CustomField, value):
    """The stored (JSON) form of ``value`` for ``definition``; raises ValidationError."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        if definition.required and definition.kind != CustomField.Kind.CHECKBOX:
            raise ValidationError(_("This field is required."))
        return False if definition.kind == CustomField.Kind.CHECKBOX else None
    kind = definition.kind
    if kind == CustomField.Kind.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."))
        if len(value) > MAX_TEXT:
            raise ValidationError(
                _("Ensure this value has at most %(limit)d characters.") % {"limit": MAX_TEXT}
            )
        return value
    if kind == CustomField.Kind.NUMBER:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValidationError(_("Enter a number."))
        return str(number)
    if kind == CustomField.Kind.DATE:
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a valid date (YYYY-MM-DD).")) from None
    if kind == CustomField.Kind.CHOICE:
        if value not in definition.choices:
            raise ValidationError(
                _("Select one of: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return value
    if kind == CustomField.Kind.CHECKBOX:
        if not isinstance(value, bool):
            raise ValidationError(_("Enter true or false."))
        return value
    raise ValidationError(_("Unknown field type."))


def clean_custom_fields(values, *, definitions: list[CustomField] | None = None) -> dict:
    """Validate a whole ``{key: value}`` mapping; unknown keys are errors.

    Raises ValidationError with a message per key, so forms and the API show each next to
    its field.
    """
    if not isinstance(values, dict):
        raise ValidationError(_("Expected an object of field keys and values."))
    definitions = active_definitions() if definitions is None else definitions
    by_key = {d.key: d for d in definitions}
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for key in values:
        if key not in by_key:
            errors[str(key)[:50]] = [_("Unknown custom field.")]
    for key, definition in by_key.items():
        try:
            cleaned[key] = clean_value(definition, values.get(key))
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def merge_custom_fields(stored: dict, sent: dict) -> dict:
    """Apply ``sent`` (a partial update) to a client's ``stored`` values and validate.

    Values of fields that are no longer active are kept untouched (re-activating the field
    brings them back) and never block saving the rest.
    """
    definitions = active_definitions()
    active = {d.key for d in definitions}
    current = {k: v for k, v in (stored or {}).items() if k in active}
    current.update(sent)
    cleaned = clean_custom_fields(current, definitions=definitions)
    kept = {k: v for k, v in (stored or {}).items() if k not in active}
    return {**kept, **cleaned}
