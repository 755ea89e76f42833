from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DecimalInputField
from core.money import MAX_AMOUNT

from .models import Cashbox


def _greater_than_zero(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), code="min_value")


def amount_field(*, signed: bool = False) -> DecimalInputField:
    """A money amount: signed (a correction) or greater than zero (money that moves)."""
    if signed:
        return DecimalInputField(
            label=_("Amount"),
            max_digits=14,
            decimal_places=2,
            min_value=-MAX_AMOUNT,
            max_value=MAX_AMOUNT,
        )
    return DecimalInputField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        max_value=MAX_AMOUNT,
        validators=[_greater_than_zero],
    )


class PaymentForm(forms.Form):
    """ "+ Advance" and "- Payment": amount, cashbox, note."""

    amount = amount_field()
    cashbox = forms.ModelChoiceField(label=_("Cashbox"), queryset=Cashbox.objects.none())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashbox"].queryset = Cashbox.objects.filter(active=True).order_by("title")
        if self.fields["cashbox"].queryset.count() == 1:
            self.initial.setdefault("cashbox", self.fields["cashbox"].queryset.first())


class CorrectionForm(forms.Form):
    amount = amount_field(signed=True)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _(
            "Positive: the client owes us more. Negative: we owe the client more."
        )


class CashboxForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Cashbox.Kind.choices)
    virtual = forms.BooleanField(
        label=_("Virtual"),
        required=False,
        help_text=_("Not a real till or account (e.g. bonuses)."),
    )
    active = forms.BooleanField(label=_("Active"), required=False)
