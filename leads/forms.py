"""The forms of the lead pages and the lead settings. They turn what a browser sends into the
arguments of the services, which check the rules again and have the last word."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Employee
from clients.models import AdCampaign
from core.phones import MAX_PHONE_INPUT
from documents.checks import MAX_COMMENT, MAX_LONG_TEXT

from .choices import REASON_MAX
from .models import NAME_MAX, Lead, LeadStatus, LeadType, LostReason
from .services import NAME_MAX as CONTACT_NAME_MAX

LEAD_FORM_FIELDS = (
    "contact_name",
    "contact_phone",
    "lead_type",
    "description",
    "manager",
    "deadline",
    "ad_campaign",
    "urgent",
)


def _active_or_current(queryset, current, *, active: str = "active"):
    """Active entries, and the one the lead already has even if it is no longer active."""
    condition = Q(**{active: True})
    if current is not None:
        condition |= Q(pk=current.pk)
    return queryset.filter(condition)


class LeadForm(forms.Form):
    """A lead's own fields. Without a client (the leads page) the contact's phone is
    required; a new lead from a client's profile has no contact fields (the client is known),
    and an existing lead of a client keeps them optional."""

    contact_name = forms.CharField(
        label=_("Contact name"), max_length=CONTACT_NAME_MAX, required=False
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=MAX_PHONE_INPUT,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    lead_type = forms.ModelChoiceField(
        label=_("Type"), queryset=LeadType.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=Employee.objects.none(), required=False
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ad_campaign = forms.ModelChoiceField(
        label=_("Marketing source"), queryset=AdCampaign.objects.none(), required=False
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, lead: Lead | None = None, has_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_client = has_client or bool(lead and lead.client_id)
        self.fields["lead_type"].queryset = _active_or_current(
            LeadType.objects.all(), lead.lead_type if lead else None
        )
        self.fields["manager"].queryset = _active_or_current(
            Employee.objects.order_by("full_name", "id"),
            lead.manager if lead else None,
            active="is_active",
        )
        self.fields["ad_campaign"].queryset = _active_or_current(
            AdCampaign.objects.order_by("name"), lead.ad_campaign if lead else None
        )
        if has_client and lead is None:
            # A new lead for a known client: the client is the contact (its name and phones
            # are on its profile), so the form does not ask for them again.
            del self.fields["contact_name"]
            del self.fields["contact_phone"]
        if not self.has_client:
            # Converting creates the client from the contact: a new lead needs both; an
            # existing one (telephony may only know the number) at least the phone.
            self.fields["contact_phone"].required = True
            self.fields["contact_name"].required = lead is None

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in LEAD_FORM_FIELDS if name in self.fields}


def movable_groups(lead: Lead) -> tuple[str, ...]:
    """The groups ``leads.services.lead_status_set`` lets the lead move into: winning is
    converting, losing takes a reason (its own form)."""
    Group = LeadStatus.Group
    if lead.is_converted:
        return (Group.WON,)
    if lead.status.group == Group.LOST:
        return (Group.OPEN, Group.LOST)
    return (Group.OPEN,)


class LeadStatusForm(forms.Form):
    status = forms.ModelChoiceField(
        label=_("Status"), queryset=LeadStatus.objects.none(), empty_label=None
    )
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = _active_or_current(
            LeadStatus.objects.filter(group__in=movable_groups(lead)), lead.status
        )


class LostForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=LostReason.objects.none(), empty_label=_("Choose…")
    )
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = LostReason.objects.filter(active=True)


class ConvertForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Convert into"),
        choices=[("order", _("Work order")), ("estimate", _("Estimate"))],
    )


# --- settings --------------------------------------------------------------------------------


class LeadTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class LeadStatusSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    group = forms.ChoiceField(
        label=_("Group"),
        choices=LeadStatus.Group.choices,
        help_text=_(
            "What the status means: an Open lead is being worked on, a Won one became an "
            "order or estimate, a Lost one was given up with a reason."
        ),
    )
    color = forms.CharField(
        label=_("Colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class LostReasonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=REASON_MAX)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
