"""The asset forms (General tab, "+ Asset", move, write off, "+ Order", link to an order)
and the settings forms. They check the shape of the input; the rules live in
``assets.services``, whose refusals ``add_errors`` puts next to the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Employee
from clients.forms import custom_form_field
from clients.models import CustomField
from documents.models import OrderStatus

from .custom_fields import clean_value
from .models import (
    COMMENT_MAX,
    NAME_MAX,
    SERIAL_MAX,
    AssetGroup,
    AssetModel,
    Brand,
    Modification,
    StatusMove,
    Warehouse,
)
from .photos import MAX_BYTES
from .selectors import move_targets
from .services import MAX_NOTE, CustomFieldInput, build_name

CUSTOM_PREFIX = "cf_"


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a refused change's messages next to their fields, or above the form. A serial
    number that is taken links to the asset that has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    existing = getattr(exc, "existing", None)
    for field, errors in exc.message_dict.items():
        if field == "serial" and existing is not None and "serial" in form.fields:
            form.add_error("serial", serial_taken_html(existing))
            continue
        form.add_error(field if field in form.fields else None, errors)


def serial_taken_html(existing) -> str:
    """The duplicate serial message, with a link to the asset that has the number."""
    link = format_html(
        '<a href="{}" class="existing-asset">{}</a>',
        reverse("assets:detail", args=[existing.pk]),
        gettext("#%(id)d, %(name)s") % {"id": existing.pk, "name": existing.name},
    )
    message = conditional_escape(gettext("This serial number already belongs to asset %(asset)s."))
    return mark_safe(message % {"asset": link})  # both parts escaped above


def _entries(model, current_pk=None, *related):
    """Active directory entries, plus the one an asset already uses (even if inactive)."""
    entries = model.objects.filter(active=True)
    if current_pk:
        entries = entries | model.objects.filter(pk=current_pk)
    return entries.select_related(*related) if related else entries


class FullNameChoiceField(forms.ModelChoiceField):
    """A model or modification shown with its brand ("Apple iPhone 13")."""

    def label_from_instance(self, obj) -> str:
        return obj.full_name


class DirectorySelect(forms.Select):
    """A model or modification select whose options say whose they are (``data-brand``,
    ``data-model``), so the page narrows them to the brand and model chosen (oficina.js,
    ``data-narrow-by``). Without JS every option stays; the form refuses a mismatch."""

    def __init__(self, parents: dict[str, str], attrs=None):
        super().__init__({"data-narrow-by": " ".join(parents), **(attrs or {})})
        self.parents = parents  # data name -> attribute path on the entry ("model.brand_id")

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        entry = getattr(value, "instance", None)
        if entry is not None:
            for data_name, path in self.parents.items():
                target = entry
                for part in path.split("."):
                    target = getattr(target, part)
                option["attrs"][f"data-{data_name}"] = str(target)
        return option


class AssetForm(forms.Form):
    """An asset's own fields. "+ Asset" also asks where it is (``warehouse``); the General
    tab moves it with the separate move form instead."""

    serial = forms.CharField(label=_("Serial number / IMEI"), max_length=SERIAL_MAX)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=AssetGroup.objects.none(), required=False
    )
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.none(), required=False)
    model = FullNameChoiceField(
        label=_("Model"),
        queryset=AssetModel.objects.none(),
        required=False,
        widget=DirectorySelect({"brand": "brand_id"}),
    )
    modification = FullNameChoiceField(
        label=_("Modification"),
        queryset=Modification.objects.none(),
        required=False,
        widget=DirectorySelect({"brand": "model.brand_id", "model": "model_id"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Leave empty to build it from the group, brand, model and modification."),
    )
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, definitions=(), asset=None, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset
        self.definitions = list(definitions)
        fields = self.fields
        fields["photo"].help_text = gettext("A JPEG, PNG or WebP image of at most %(size)d MB.") % {
            "size": MAX_BYTES // (1024 * 1024)
        }
        fields["group"].queryset = _entries(AssetGroup, asset and asset.group_id)
        fields["brand"].queryset = _entries(Brand, asset and asset.brand_id)
        fields["model"].queryset = _entries(AssetModel, asset and asset.model_id, "brand")
        fields["modification"].queryset = _entries(
            Modification, asset and asset.modification_id, "model__brand"
        )
        if asset is None:
            targets = move_targets()
            if owner is None:
                targets = targets.exclude(kind=Warehouse.Kind.CLIENT)
            else:
                # A client's asset is with the client unless told otherwise.
                fields["warehouse"].required = False
                fields["warehouse"].empty_label = None
                self.initial.setdefault(
                    "warehouse", targets.filter(kind=Warehouse.Kind.CLIENT).first()
                )
            fields["warehouse"].queryset = targets
        else:
            del fields["warehouse"]
            self.initial.update(
                {
                    "serial": asset.serial,
                    "group": asset.group_id,
                    "brand": asset.brand_id,
                    "model": asset.model_id,
                    "modification": asset.modification_id,
                    # A name the directory built is left empty, so it follows a new model.
                    "name": "" if asset.name == _built_name(asset) else asset.name,
                    "comment": asset.comment,
                }
            )
        stored = asset.custom_fields if asset is not None else {}
        for definition in self.definitions:
            name = CUSTOM_PREFIX + definition.key
            fields[name] = custom_form_field(definition)
            if definition.key in stored:
                self.initial[name] = stored[definition.key]

    def custom_bound_fields(self):
        return [self[CUSTOM_PREFIX + d.key] for d in self.definitions]

    def clean(self):
        data = super().clean()
        # The page narrows the lists; a browser without JS (or a stale page) may still send a
        # model of another brand. (The services check it again.)
        brand, model = data.get("brand"), data.get("model")
        modification = data.get("modification")
        if brand is not None and model is not None and model.brand_id != brand.pk:
            self.add_error("model", _("This model is not of the chosen brand."))
        if modification is not None:
            if model is not None and modification.model_id != model.pk:
                self.add_error("modification", _("This modification is not of the chosen model."))
            elif brand is not None and modification.model.brand_id != brand.pk:
                self.add_error("modification", _("This modification is not of the chosen brand."))
        custom = {}
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
        """The cleaned values, as the asset services take them."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in ("serial", "group", "brand", "model", "modification", "name", "comment")
        }
        values["name"] = values["name"] or ""
        values["comment"] = values["comment"] or ""
        values["custom_fields"] = data["custom_fields"]
        if "warehouse" in self.fields:
            values["warehouse"] = data.get("warehouse")
        photo = data.get("photo")
        if photo:
            values["photo"] = photo
        elif photo is False:  # "Clear" ticked
            values["photo"] = None
        return values


def _built_name(asset) -> str:
    return build_name(asset.group, asset.brand, asset.model, asset.modification)


class WarehouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class MoveForm(forms.Form):
    """ "Move to…": another warehouse, and why."""

    warehouse = WarehouseChoiceField(label=_("Move to"), queryset=Warehouse.objects.none())
    comment = forms.CharField(label=_("Comment"), max_length=MAX_NOTE, required=False)

    def __init__(self, *args, asset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = move_targets(asset)


class WriteOffForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_NOTE)


class AssetOrderForm(forms.Form):
    """ "+ Order" from an asset's profile: what is wrong and who takes it."""

    malfunction = forms.CharField(
        label=_("Malfunction"), max_length=5000, required=False, widget=forms.Textarea({"rows": 2})
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = Employee.objects.filter(is_active=True)


class OrderLinkForm(forms.Form):
    asset = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- settings --------------------------------------------------------------------------------


class DirectoryEntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class AssetModelForm(DirectoryEntryForm):
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.all())
    field_order = ["brand", "name", "active"]


class ModificationForm(DirectoryEntryForm):
    model = FullNameChoiceField(
        label=_("Model"), queryset=AssetModel.objects.select_related("brand")
    )
    field_order = ["model", "name", "active"]


class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Warehouse.Kind.COMPANY, _("Company")),
            (Warehouse.Kind.EMPLOYEE, _("Employee")),
        ],
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("For an employee warehouse: what this employee holds."),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, warehouse=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(is_active=True)
        if warehouse is not None:
            # Kind and employee are fixed once created.
            del self.fields["kind"]
            del self.fields["employee"]


class StatusMoveForm(forms.Form):
    target = forms.ChoiceField(label=_("Move the asset"), choices=StatusMove.Target.choices)
    warehouse = WarehouseChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.none(),
        required=False,
        help_text=_("For “To a company warehouse”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(
            kind=Warehouse.Kind.COMPANY, active=True
        )


class StatusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrderStatus) -> str:
        name, group = obj.display_name, obj.get_group_display()
        return name if name.casefold() == str(group).casefold() else f"{name} ({group})"


class AssetCustomFieldForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        help_text=_("Letters, digits, hyphens and underscores; it never changes once saved."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=CustomField.Kind.choices)
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice field: one option per line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, field=None, **kwargs):
        super().__init__(*args, **kwargs)
        if field is not None:
            self.fields["key"].disabled = True
            self.fields["key"].required = False

    def service_input(self) -> CustomFieldInput:
        data = self.cleaned_data
        return CustomFieldInput(
            key=data.get("key") or "",
            label=data["label"],
            kind=data["kind"],
            choices=tuple(data.get("choices_text", "").splitlines()),
            required=data["required"],
            position=data["position"],
            active=data["active"],
        )
