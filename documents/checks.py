"""Small input checks every document service shares; each raises the caller's error class."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_COMMENT = 500
MAX_LONG_TEXT = 5000


def clean_text(
    value,
    field: str,
    *,
    error: type[ValidationError],
    limit: int | None = None,
    required: bool = False,
) -> str:
    """``value`` without surrounding spaces; refused when required and empty, or too long."""
    text = (value or "").strip()
    if required and not text:
        raise error({field: [_("This field is required.")]})
    if limit is not None and len(text) > limit:
        raise error(
            {field: [_("Ensure this value has at most %(limit)d characters.") % {"limit": limit}]}
        )
    return text


def clean_date(value, field: str, *, error: type[ValidationError]) -> date | None:
    if value is not None and not isinstance(value, date):
        raise error({field: [_("Enter a valid date.")]})
    return value


def clean_employee(value, field: str, *, error: type[ValidationError]):
    """An employee a document is given to (manager, assignee): active, or none."""
    if value is not None and not value.is_active:
        raise error({field: [_("This employee is no longer active.")]})
    return value
