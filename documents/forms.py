"""The catalog's create and edit forms. They check what a browser sends; the services check
the rules again and have the last word."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DecimalInputField
from core.money import MAX_AMOUNT

from .models import SKU_MAX, TITLE_MAX
from .services import MAX_WARRANTY_DAYS


def money_field(label) -> DecimalInputField:
    return DecimalInputField(
        label=label, max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT
    )


class ServiceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    price = money_field(_("Price"))
    warranty_days = forms.IntegerField(
        label=_("Warranty, days"),
        min_value=0,
        max_value=MAX_WARRANTY_DAYS,
        initial=0,
        help_text=_("0: no warranty."),
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Inactive items are not offered on new documents."),
    )


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=SKU_MAX)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    price = money_field(_("Price"))
    cost = money_field(_("Cost"))
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Inactive items are not offered on new documents."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost"].required = False
        self.fields["cost"].help_text = _("What one unit costs the shop.")

    def clean_cost(self):
        return self.cleaned_data.get("cost") or Decimal("0")
