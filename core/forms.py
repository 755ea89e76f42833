"""Form fields shared by the apps."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .numbers import parse_decimal


class DecimalInputField(forms.DecimalField):
    """A number typed into a text box (``inputmode="decimal"``: a phone shows its number pad)
    and read by ``core.numbers.parse_decimal``, so ``150,75`` is 150.75 whatever language the
    browser speaks. Shown back in the page's language (``150,75`` in Portuguese). Range,
    digits and places are checked as by ``DecimalField``."""

    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        defaults = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs={**defaults, **attrs}))
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        """A stored number as the page's language writes it: money with its two places
        (``1500,50``), other numbers without trailing zeros (a quantity of ``2``, not ``2,000``)."""
        if isinstance(value, Decimal) and value.is_finite():
            if self.decimal_places == 2:
                return number_format(value, decimal_pos=2)
            return number_format(Decimal(format(value.normalize(), "f")))
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except ValueError:
            raise ValidationError(
                _("Enter a number, such as %(example)s.")
                % {"example": number_format(Decimal("150.75"), decimal_pos=2)},
                code="invalid",
            ) from None
