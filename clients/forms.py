"""The client form (General tab and "+ Client"), its phones and the settings lists."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Employee
from core.forms import DecimalInputField
from core.phones import MAX_PHONE_INPUT, format_phone, normalize_phone

from .custom_fields import clean_value
from .models import AdCampaign, Client, CustomField
from .services import PhoneInput

CUSTOM_PREFIX = "cf_"
MAX_TAGS_TEXT = 500


def custom_form_field(definition) -> forms.Field:
    """The form field for a custom field definition (a client's or an asset's)."""
    common = {"label": definition.label, "required": False}
    kind = definition.kind
    if kind == CustomField.Kind.NUMBER:
        return DecimalInputField(max_digits=20, decimal_places=6, **common)
    if kind == CustomField.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == CustomField.Kind.CHOICE:
        choices = [("", "—")] + [(c, c) for c in definition.choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind == CustomField.Kind.CHECKBOX:
        return forms.BooleanField(**common)
    return forms.CharField(max_length=500, **common)


class ClientForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS_TEXT,
        help_text=_("Separate tags with commas."),
    )
    confirm_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Client
        fields = [
            "kind",
            "first_name",
            "last_name",
            "name",
            "tax_id",
            "email",
            "address",
            "birthday",
            "notes",
            "marketing_source",
            "discount_goods",
            "discount_services",
            "manager",
            "supplier",
            "conflicted",
        ]
        field_classes = {
            "discount_goods": DecimalInputField,
            "discount_services": DecimalInputField,
        }
        widgets = {
            "kind": forms.RadioSelect,
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, definitions: list[CustomField] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions if definitions is not None else []
        self.fields["manager"].queryset = Employee.objects.filter(is_active=True)
        # Required for one kind only (checked in clean()); marked for the person filling in.
        self.fields["first_name"].show_required = True
        self.fields["name"].show_required = True
        for name in ("discount_goods", "discount_services"):
            self.fields[name].required = False
        current_source = self.instance.marketing_source_id if self.instance.pk else None
        self.fields["marketing_source"].queryset = AdCampaign.objects.filter(
            active=True
        ) | AdCampaign.objects.filter(pk=current_source)
        if self.instance.pk:
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())
        stored = self.instance.custom_fields or {}
        for definition in self.definitions:
            name = CUSTOM_PREFIX + definition.key
            self.fields[name] = custom_form_field(definition)
            if definition.key in stored:
                self.initial[name] = stored[definition.key]

    def clean_discount_goods(self):
        return self.cleaned_data.get("discount_goods") or Decimal("0")

    def clean_discount_services(self):
        return self.cleaned_data.get("discount_services") or Decimal("0")

    def custom_field_names(self) -> list[str]:
        return [CUSTOM_PREFIX + d.key for d in self.definitions]

    def custom_bound_fields(self):
        return [self[name] for name in self.custom_field_names()]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Client.Kind.PERSON and not (data.get("first_name") or "").strip():
            self.add_error("first_name", _("A person needs a first name."))
        if kind == Client.Kind.ORGANIZATION and not (data.get("name") or "").strip():
            self.add_error("name", _("An organization needs a name."))
        custom = dict(self.instance.custom_fields or {})
        for definition in self.definitions:
            name = CUSTOM_PREFIX + definition.key
            if name not in data:
                continue
            try:
                custom[definition.key] = clean_value(definition, data.get(name))
            except ValidationError as exc:
                self.add_error(name, exc)
        data["custom_fields"] = custom
        return data

    def service_data(self) -> dict:
        """The cleaned values the client services take."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["custom_fields"] = self.cleaned_data["custom_fields"]
        return data

    def tag_names(self) -> list[str]:
        return [part for part in self.cleaned_data.get("tags_text", "").split(",") if part.strip()]


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Phone"), max_length=MAX_PHONE_INPUT, required=False)
    label = forms.CharField(label=_("Label"), max_length=50, required=False)
    notify = forms.BooleanField(label=_("Notify"), required=False, initial=True)

    def clean_number(self):
        raw = self.cleaned_data.get("number", "").strip()
        return normalize_phone(raw) if raw else ""


class BasePhoneFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if not number:
                continue
            if number in seen:
                form.add_error("number", _("The same number is listed twice."))
            seen.add(number)

    def phones(self) -> list[PhoneInput]:
        result = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number:
                result.append(
                    PhoneInput(
                        number=number,
                        label=form.cleaned_data.get("label", "").strip(),
                        notify=bool(form.cleaned_data.get("notify")),
                    )
                )
        return result


PhoneFormSet = forms.formset_factory(
    PhoneForm, formset=BasePhoneFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


def phone_initial(client: Client) -> list[dict]:
    return [
        {"number": format_phone(p.number), "label": p.label, "notify": p.notify}
        for p in client.phones.all()
    ]


class AdCampaignForm(forms.ModelForm):
    class Meta:
        model = AdCampaign
        fields = ["name", "active"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = AdCampaign.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A marketing source with this name already exists."))
        return name


class CustomFieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice field: one option per line."),
    )

    class Meta:
        model = CustomField
        fields = ["label", "key", "kind", "required", "position", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(self.instance.choices)
            # The key names stored values: changing it would orphan them.
            self.fields["key"].disabled = True

    def clean(self):
        data = super().clean()
        choices = [c.strip() for c in data.get("choices_text", "").splitlines() if c.strip()]
        if data.get("kind") == CustomField.Kind.CHOICE and not choices:
            self.add_error("choices_text", _("A choice field needs at least one option."))
        self.instance.choices = choices if data.get("kind") == CustomField.Kind.CHOICE else []
        return data
