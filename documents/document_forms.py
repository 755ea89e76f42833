"""The forms of the Documents tab and the document dialogs. They turn what a browser sends
into the arguments of the services, which check the rules again and have the last word."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Employee
from core.forms import DecimalInputField
from core.money import MAX_AMOUNT, format_money
from core.numbers import format_quantity
from ledger.forms import amount_field
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


def catalog_lookup(values) -> dict:
    """The active catalog items that line values ("service:12", "product:3") name, by value:
    one query per kind however many lines name them."""
    wanted: dict[str, set[int]] = {"service": set(), "product": set()}
    for value in values:
        kind, _sep, pk = str(value or "").partition(":")
        if kind in wanted and pk.isdigit() and len(pk) < 19:
            wanted[kind].add(int(pk))
    found: dict = {}
    for kind, model in (("service", Service), ("product", Product)):
        if wanted[kind]:
            rows = model.objects.filter(active=True, pk__in=wanted[kind])
            found |= {f"{kind}:{row.pk}": row for row in rows}
    return found


def catalog_label(item) -> str:
    """What the picker shows for a chosen item: "Screen (SCR-1) — R$ 80,00"."""
    if isinstance(item, Product):
        return f"{item.title} ({item.sku}) — {format_money(item.price)}"
    return f"{item.title} — {format_money(item.price)}"


class CatalogPicker(forms.Widget):
    """The line's "Item": a search box that finds services and products as one types
    (``documents:catalog_pick``, a few at a time, however large the catalog), and the chosen
    item's value in a hidden input. Free text is one of the choices it offers."""

    template_name = "documents/widgets/catalog_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.catalog: dict = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = "" if value is None else str(value)
        if value == FREE_TEXT:
            label = str(_("Free text (title and price below)"))
        elif value:
            item = self.catalog.get(value) or catalog_lookup([value]).get(value)
            label = catalog_label(item) if item is not None else ""
        else:
            label = ""
        context["widget"].update(value=value, label=label)
        return context


class CatalogItemField(forms.ChoiceField):
    """A catalog item still offered ("service:12", "product:3") or free text. Too many to list
    as choices: a value is checked against the catalog instead (one lookup per form set)."""

    widget = CatalogPicker

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)
        self.catalog: dict = {}

    def valid_value(self, value) -> bool:
        if value == FREE_TEXT:
            return True
        if value not in self.catalog:
            self.catalog |= catalog_lookup([value])
        return value in self.catalog


class LineForm(forms.Form):
    """One line: a catalog item or free text, and its numbers. Blank price and discount take
    the catalog price and the client's personal discount."""

    item = CatalogItemField(label=_("Item"))
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

    def __init__(self, *args, catalog: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        # Shared by the lines of a form set, so naming the same items costs no more queries.
        item.catalog = item.widget.catalog = catalog if catalog is not None else {}
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
        kind = data["item"].partition(":")[0]
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
            catalog = catalog if catalog is not None else self.fields["item"].catalog
            line[kind] = catalog.get(data["item"]) or catalog_lookup([data["item"]]).get(
                data["item"]
            )
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
        super().__init__(*args, **kwargs)
        # Every item the posted lines name, read at once (one query per kind).
        named = [value for key, value in (self.data or {}).items() if key.endswith("-item")]
        self.catalog = catalog_lookup(named) if self.is_bound else {}

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "catalog": self.catalog}

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
        return [form.line(self.catalog) for form in filled]


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
    """A payment for a document: amount, cashbox, note; and the cashier's consent when it is
    more than is left to pay (the box is shown once the service has asked for it)."""

    amount = amount_field()
    cashbox = forms.ModelChoiceField(label=_("Cashbox"), queryset=Cashbox.objects.none())
    note = forms.CharField(label=_("Note"), max_length=MAX_COMMENT, required=False)
    allow_overpayment = forms.BooleanField(
        label=_("Yes, take it: the surplus stays on the client's account"), required=False
    )

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
            # The limit is checked in clean() so that its message shows the quantity with the
            # places it has ("at most 1,5"), not Django's "less than or equal to 1.500".
            self.fields[name] = _number(
                item.title, places=3, required=False, maximum=None, initial=0
            )
            self.fields[name].help_text = _("At most %(left)s") % {"left": format_quantity(left)}
            self.fields[name].returnable = left
            self.item_fields.append((item, self[name]))

    def clean(self):
        data = super().clean()
        for _item, field in self.item_fields:
            value = data.get(field.name)
            if value is not None and value > field.field.returnable:
                self.add_error(
                    field.name,
                    _("At most %(left)s can come back.")
                    % {"left": format_quantity(field.field.returnable)},
                )
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
