"""The forms of the Documents tab and the document dialogs. They turn what a browser sends
into the arguments of the services, which check the rules again and have the last word."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Employee
from core.forms import DecimalInputField
from core.money import MAX_AMOUNT, format_money
from ledger.models import Cashbox

from .checks import MAX_COMMENT, MAX_LONG_TEXT
from .models import TITLE_MAX, Estimate, OrderStatus, Product, Sale, Service
from .services import MAX_WARRANTY_DAYS
from .totals import MAX_QUANTITY, DiscountKind

FREE_TEXT = "text"


def _employees():
    return Employee.objects.filter(is_active=True).order_by("full_name", "id")


def _cashboxes():
    return Cashbox.objects.filter(active=True).order_by("title", "id")


def _number(label, *, places=2, required=True, maximum=MAX_AMOUNT, **kwargs):
    return DecimalInputField(
        label=label,
        max_digits=14,
        decimal_places=places,
        min_value=0,
        max_value=maximum,
        required=required,
        **kwargs,
    )


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def catalog_choices() -> list:
    """The "Item" select: services and products still offered, then free text."""
    services = [
        (f"service:{s.pk}", f"{s.title} — {format_money(s.price)}")
        for s in Service.objects.filter(active=True)
    ]
    products = [
        (f"product:{p.pk}", f"{p.title} ({p.sku}) — {format_money(p.price)}")
        for p in Product.objects.filter(active=True)
    ]
    return [
        ("", _("Choose…")),
        (_("Services"), services),
        (_("Products"), products),
        (FREE_TEXT, _("Free text (title and price below)")),
    ]


class LineForm(forms.Form):
    """One line: a catalog item or free text, and its numbers. Blank price and discount take
    the catalog price and the client's personal discount."""

    item = forms.ChoiceField(label=_("Item"))
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    quantity = _number(_("Quantity"), places=3, maximum=MAX_QUANTITY, initial=1)
    price = _number(_("Price"), required=False)
    discount = _number(_("Discount"), required=False)
    discount_kind = forms.ChoiceField(
        label=_("Discount in"), choices=DiscountKind.choices, initial=DiscountKind.PERCENT
    )
    warranty_days = forms.IntegerField(
        label=_("Warranty, days"), min_value=0, max_value=MAX_WARRANTY_DAYS, required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = choices if choices is not None else catalog_choices()
        self.fields["assignee"].queryset = _employees()
        self.fields["price"].help_text = _("Blank: the catalog price.")
        self.fields["discount"].help_text = _("Blank: the client's personal discount.")

    def clean(self):
        data = super().clean()
        item = data.get("item") or ""
        if item == FREE_TEXT:
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Enter a title for a free-text line."))
            if data.get("price") is None:
                self.add_error("price", _("Enter a price for a free-text line."))
        return data

    def line(self, catalog: dict | None = None) -> dict:
        """The arguments of ``documents.lines.line_values`` for this line; ``catalog``
        (``{"service:1": Service, …}``) saves a query per line when there are many."""
        data = self.cleaned_data
        kind, _sep, pk = data["item"].partition(":")
        line = {
            "kind": kind,
            "title": data.get("title") or "",
            "quantity": data["quantity"],
            "price": data.get("price"),
            "discount": data.get("discount"),
            "discount_kind": data["discount_kind"],
            "assignee": data.get("assignee"),
        }
        if data.get("warranty_days") is not None:
            line["warranty_days"] = data["warranty_days"]
        if kind in ("service", "product"):
            model = Service if kind == "service" else Product
            found = (
                catalog.get(data["item"])
                if catalog is not None
                else model.objects.filter(pk=pk).first()
            )
            line[kind] = found
        return line


class LineEditForm(forms.Form):
    """A line already on a document: its title and numbers (the item it is stays)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    quantity = _number(_("Quantity"), places=3, maximum=MAX_QUANTITY)
    price = _number(_("Price"))
    discount = _number(_("Discount"))
    discount_kind = forms.ChoiceField(label=_("Discount in"), choices=DiscountKind.choices)
    warranty_days = forms.IntegerField(
        label=_("Warranty, days"), min_value=0, max_value=MAX_WARRANTY_DAYS
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args, item, **kwargs):
        self.item = item
        kwargs.setdefault("initial", {name: getattr(item, name) for name in self.base_fields})
        super().__init__(*args, prefix="line-edit", **kwargs)
        self.fields["assignee"].queryset = _employees()


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self.choices = catalog_choices()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "choices": self.choices}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # ticked by the row's "Remove line" button, never by hand
            form.fields["DELETE"].widget.attrs.update({"tabindex": "-1", "aria-hidden": "true"})

    def lines(self) -> list[dict]:
        filled = [
            form
            for form in self.forms
            if form.has_changed() and form.is_valid() and not self._should_delete_form(form)
        ]
        wanted: dict[str, set[str]] = {"service": set(), "product": set()}
        for form in filled:
            kind, _sep, pk = form.cleaned_data["item"].partition(":")
            if kind in wanted:
                wanted[kind].add(pk)
        catalog = {}
        for kind, model in (("service", Service), ("product", Product)):
            if wanted[kind]:
                catalog |= {f"{kind}:{o.pk}": o for o in model.objects.filter(pk__in=wanted[kind])}
        return [form.line(catalog) for form in filled]


# A line the cashier removes is marked DELETE (and hidden): its numbers are not checked.
LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=1,
    max_num=50,
    validate_max=True,
    can_delete=True,
    can_delete_extra=True,
)


class OrderForm(forms.Form):
    """A work order's own fields, for "+ Order" and for editing it."""

    order_type = forms.CharField(label=_("Type"), max_length=64, required=False)
    malfunction = forms.CharField(
        label=_("Malfunction"),
        max_length=MAX_LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=Employee.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Employee.objects.none(), required=False
    )
    due_date = _date(_("Due date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = _employees()
        self.fields["manager"].required = False
        self.fields["assignee"].queryset = _employees()


class OrderStatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status"), queryset=OrderStatus.objects.none())
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = OrderStatus.objects.filter(active=True).exclude(
            group=OrderStatus.Group.CLOSED
        )


class MoneyForm(forms.Form):
    """A payment for a document: amount, cashbox, note."""

    amount = _number(_("Amount"))
    cashbox = forms.ModelChoiceField(label=_("Cashbox"), queryset=Cashbox.objects.none())
    note = forms.CharField(label=_("Note"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashbox"].queryset = _cashboxes()


class CloseForm(forms.Form):
    settlement = forms.ChoiceField(
        label=_("How is the rest settled?"),
        widget=forms.RadioSelect,
        choices=[
            ("cashbox", _("The client pays now, into a cashbox")),
            ("balance", _("Charge it to the client's balance")),
        ],
        initial="balance",
    )
    cashbox = forms.ModelChoiceField(
        label=_("Cashbox"), queryset=Cashbox.objects.none(), required=False
    )
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashbox"].queryset = _cashboxes()


class ReasonForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), max_length=MAX_COMMENT)


class EstimateForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=Employee.objects.none(), required=False
    )
    valid_until = _date(_("Valid until"))
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = _employees()


class EstimateStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Estimate.Status.choices if c[0] != Estimate.Status.CONVERTED],
    )


class SaleForm(forms.Form):
    settlement = forms.ChoiceField(
        label=_("Payment"),
        widget=forms.RadioSelect,
        choices=Sale.Settlement.choices,
        initial=Sale.Settlement.CASHBOX,
    )
    cashbox = forms.ModelChoiceField(
        label=_("Cashbox"), queryset=Cashbox.objects.none(), required=False
    )
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashbox"].queryset = _cashboxes()
        if self.fields["cashbox"].queryset.count() == 1:
            self.initial.setdefault("cashbox", self.fields["cashbox"].queryset.first())


class ReturnForm(forms.Form):
    """What comes back: a quantity per line still returnable, and whether money is paid
    back (from which cashbox, how much)."""

    pay_back = forms.BooleanField(label=_("Pay the money back now"), required=False)
    cashbox = forms.ModelChoiceField(
        label=_("Cashbox"), queryset=Cashbox.objects.none(), required=False
    )
    refund = _number(_("Amount paid back"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, sale: Sale, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashbox"].queryset = _cashboxes()
        self.fields["refund"].help_text = _("Blank: what the returned lines are worth.")
        self.initial.setdefault("pay_back", sale.paid > 0)
        self.item_fields = []
        for item in items:
            left = item.quantity - item.returned_quantity
            if left <= 0:
                continue
            name = f"qty_{item.pk}"
            self.fields[name] = _number(
                item.title, places=3, required=False, maximum=left, initial=0
            )
            self.item_fields.append((item, self[name]))

    def clean(self):
        data = super().clean()
        if data.get("pay_back") and not data.get("cashbox"):
            self.add_error("cashbox", _("Choose the cashbox the money is paid back from."))
        if not any(data.get(f"qty_{item.pk}") for item, _field in self.item_fields):
            raise forms.ValidationError(_("Enter how much of at least one line comes back."))
        return data

    def arguments(self) -> dict:
        data = self.cleaned_data
        lines = {
            item.pk: data[f"qty_{item.pk}"]
            for item, _field in self.item_fields
            if data.get(f"qty_{item.pk}")
        }
        arguments = {"lines": lines, "reason": data.get("reason") or ""}
        if data.get("pay_back"):
            arguments["cashbox"] = data["cashbox"]
            arguments["refund"] = data.get("refund")
        return arguments
