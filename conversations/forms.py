"""Forms of the conversation pages: the inbox filters, the new-message box and the actions.
They check the shape of the input; the rules are the services' (``services.py``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Employee
from clients.models import Client

from . import files
from .models import TEXT_MAX
from .selectors import (
    MAX_QUERY,
    SCOPES,
    STATUSES,
    inbox_channels,
    start_channel_proposal,
    start_channels,
)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A refused operation's messages next to their fields, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=list(
            zip(
                STATUSES,
                (
                    pgettext_lazy("conversation", "Open"),
                    pgettext_lazy("conversation", "Closed"),
                    _("All"),
                ),
                strict=True,
            )
        ),
    )
    scope = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=list(zip(SCOPES, (_("Everyone's"), _("Mine"), _("Unassigned")), strict=True)),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=None, required=False, empty_label=_("All channels")
    )
    search = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = inbox_channels(employee)

    def filters(self) -> dict:
        """What to filter by; the defaults (open, everyone's) when the input is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or "open",
            "scope": data.get("scope") or "all",
            "channel": data.get("channel"),
            "search": data.get("search") or "",
        }


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            return files.check_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get(files.FIELD, exc.messages)) from None

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("file"):
            self.add_error("text", _("Write a message or attach a file."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=Employee.objects.filter(is_active=True),
        required=False,
        empty_label=_("Unassigned"),
    )


class LinkClientForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=None)

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(employee)


class StartForm(forms.Form):
    """ "+ Conversation": the channel to write through, proposed for the client (see
    ``start_channel_proposal``); with no shared channel to propose, nothing is chosen."""

    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choose a channel you have access to."),
            "required": _("Choose the channel to write through."),
        },
    )

    def __init__(self, *args, employee, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = start_channels(employee)
        self.fields["channel"].queryset = queryset
        self.channels = list(queryset)
        self.proposed = start_channel_proposal(self.channels, client) if client else None
        if self.proposed is not None:
            self.initial.setdefault("channel", self.proposed.pk)
