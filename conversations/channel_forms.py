"""The channel settings form: name, who may see the conversations, the connector's
credentials and, for a web chat, the sites allowed to embed it.

Credentials are write-only. Their inputs never carry a value (not the stored one, not even
the one just typed when the form comes back with an error); a stored secret is shown only
in its masked form, and an input left empty keeps it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Employee

from .connectors import connector_for
from .models import NAME_MAX, ORIGIN_MAX, ORIGINS_MAX, Channel, origin_normalize

CREDENTIAL_MAX = 500


class OriginsField(forms.CharField):
    """Site addresses, one per line, as the list of origins ``Channel.allowed_origins``
    keeps: each written as a browser writes it, duplicates dropped, at most
    ``ORIGINS_MAX``. Every wrong line is named in the error."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "none"})

    text_max = ORIGINS_MAX * (ORIGIN_MAX + 2)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        if len(text) > self.text_max:
            raise ValidationError(
                _("At most %(max)s sites may embed the chat.") % {"max": ORIGINS_MAX}
            )
        origins, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                origin = origin_normalize(line)
            except ValidationError as exc:
                errors.extend(
                    _("Line %(line)s: %(problem)s") % {"line": number, "problem": message}
                    for message in exc.messages
                )
                continue
            if origin not in origins:
                origins.append(origin)
        if errors:
            raise ValidationError(errors)
        if len(origins) > ORIGINS_MAX:
            raise ValidationError(
                _("At most %(max)s sites may embed the chat; %(count)s are listed.")
                % {"max": ORIGINS_MAX, "count": len(origins)}
            )
        return origins


class EmployeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return obj.full_name or obj.login


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_MAX)
    access = forms.ChoiceField(
        label=gettext_lazy("Who sees its conversations"),
        choices=Channel.Access.choices,
        initial=Channel.Access.ALL,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Employees also need the “Conversation access” permission in their role."
        ),
    )
    members = EmployeeChoiceField(
        label=gettext_lazy("Selected employees"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Used when access is “Selected employees”."),
    )

    def __init__(self, *args, kind: str, channel: Channel | None = None, **kwargs):
        self.kind = kind
        self.channel = channel
        if channel is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": channel.name,
                    "access": channel.access,
                    "members": list(channel.members.values_list("pk", flat=True)),
                    "allowed_origins": list(channel.allowed_origins),
                },
            )
        super().__init__(*args, **kwargs)
        if kind == Channel.Kind.WEBCHAT:
            self.fields["name"].help_text = _("Visitors see this name at the top of the chat.")
            self.fields["allowed_origins"] = OriginsField(
                label=_("Websites allowed to show the chat"),
                help_text=_(
                    "The addresses of your sites where the chat snippet is, one per line, such "
                    "as https://www.myshop.com.br (with http:// or https:// and without a "
                    "page path; www.myshop.com.br and myshop.com.br are different sites). Only "
                    "these sites may show the chat window inside their pages; at most "
                    "%(max)s. Leave it empty to offer the chat only through its direct link."
                )
                % {"max": ORIGINS_MAX},
            )
        # Active employees, plus any inactive one still selected (so saving does not drop
        # them silently).
        people = Employee.objects.filter(is_active=True)
        if channel is not None:
            people = people | Employee.objects.filter(conversation_channels=channel)
        self.fields["members"].queryset = people.distinct().order_by("full_name", "pk")

        masked = channel.masked_credentials() if channel is not None else {}
        self.credential_names = []
        for spec in connector_for(kind).credential_fields:
            stored = masked.get(spec.name)
            help_parts = [str(spec.help_text)] if spec.help_text else []
            if stored:
                help_parts.append(
                    _("Stored: %(masked)s. Leave empty to keep it.") % {"masked": stored}
                )
            self.fields[spec.name] = forms.CharField(
                label=spec.label,
                required=spec.required and not stored,
                max_length=CREDENTIAL_MAX,
                strip=True,
                help_text=" ".join(help_parts),
                widget=forms.PasswordInput(
                    render_value=False,
                    attrs={
                        "autocomplete": "new-password",
                        "placeholder": stored or "",
                        "spellcheck": "false",
                    },
                ),
            )
            self.credential_names.append(spec.name)

    def clean(self):
        data = super().clean()
        if data.get("access") == Channel.Access.SELECTED and not data.get("members"):
            self.add_error("members", _("Select at least one employee."))
        return data

    @property
    def allowed_origins(self) -> list[str]:
        """The sites allowed to embed a web chat ([] for other kinds)."""
        return list(self.cleaned_data.get("allowed_origins") or [])

    @property
    def credentials(self) -> dict[str, str]:
        """What was typed into the credential inputs (empty ones keep the stored value)."""
        return {name: self.cleaned_data.get(name) or "" for name in self.credential_names}

    def add_service_error(self, exc) -> None:
        """Show a ``ChannelError`` from the services on the form."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
