"""What the API reads and writes for leads.

Input serializers check the shape of a request (types, ids the employee may use, unknown
fields); the business rules are the services' (``leads.services``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Employee
from clients.models import AdCampaign, Client
from core.api.serializers import StrictFieldsMixin
from core.phones import MAX_PHONE_INPUT
from documents.checks import MAX_COMMENT, MAX_LONG_TEXT

from ..models import Lead, LeadStatus, LeadType, LostReason
from ..services import CONVERT_TO, NAME_MAX


class VisibleClientField(serializers.PrimaryKeyRelatedField):
    """The id of a client the employee may see; any other id reads as one that does not
    exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(request.user if request else None)


class LeadSerializer(serializers.ModelSerializer):
    """A lead: who, what kind, where it stands and what it ended in."""

    client_name = serializers.SerializerMethodField()
    type = serializers.PrimaryKeyRelatedField(source="lead_type", read_only=True)
    type_name = serializers.CharField(source="lead_type.display_name", read_only=True)
    type_code = serializers.CharField(
        source="lead_type.system_code",
        read_only=True,
        help_text=_('"lead" or "missed_call" for the built-in types, "" for the shop\'s own.'),
    )
    status_name = serializers.CharField(source="status.display_name", read_only=True)
    status_group = serializers.ChoiceField(
        source="status.group", choices=LeadStatus.Group.choices, read_only=True
    )
    result = serializers.SerializerMethodField(
        help_text=_(
            "What the lead ended in: the number of the order or estimate made from it, or the "
            "reason it was lost; null while it is open."
        )
    )
    result_type = serializers.SerializerMethodField(
        help_text=_('"order", "estimate", "lost", or null while the lead is open.')
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "number",
            "client",
            "client_name",
            "contact_name",
            "contact_phone",
            "type",
            "type_name",
            "type_code",
            "status",
            "status_name",
            "status_group",
            "result",
            "result_type",
            "order",
            "estimate",
            "lost_reason",
            "description",
            "manager",
            "deadline",
            "ad_campaign",
            "urgent",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_client_name(self, lead: Lead) -> str | None:
        return lead.client.display_name if lead.client_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_result(self, lead: Lead) -> str | None:
        result = lead.result
        if result is None:
            return None
        return getattr(result, "number", None) or result.display_name

    @extend_schema_field(OpenApiTypes.STR)
    def get_result_type(self, lead: Lead) -> str | None:
        return lead.result_kind or None


def _active(model):
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(), required=False, allow_null=True
    )


class LeadFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The lead's own fields (PATCH)."""

    client = VisibleClientField(
        queryset=Client.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Or leave it empty and send the contact's name and phone."),
    )
    contact_name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    contact_phone = serializers.CharField(
        max_length=MAX_PHONE_INPUT,
        required=False,
        allow_blank=True,
        help_text=_("Any format; stored in E.164."),
    )
    type = serializers.PrimaryKeyRelatedField(
        source="lead_type", queryset=LeadType.objects.all(), required=False
    )
    description = serializers.CharField(max_length=MAX_LONG_TEXT, required=False, allow_blank=True)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The employee who opens the lead, by default."),
    )
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    ad_campaign = _active(AdCampaign)
    urgent = serializers.BooleanField(required=False)


class LeadCreateSerializer(LeadFieldsSerializer):
    """A new lead: a client, or a contact's name and phone."""

    status = serializers.PrimaryKeyRelatedField(
        queryset=LeadStatus.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("An active Open status; the first one by default."),
    )


class LeadStatusSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.PrimaryKeyRelatedField(queryset=LeadStatus.objects.all())
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)


class LeadLostSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.PrimaryKeyRelatedField(queryset=LostReason.objects.all())
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)
    status = serializers.PrimaryKeyRelatedField(
        queryset=LeadStatus.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A Lost status; the first active one by default."),
    )


class LeadConvertSerializer(StrictFieldsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=CONVERT_TO)
