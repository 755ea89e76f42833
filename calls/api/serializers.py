"""What the API shows of a call."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Call
from ..permissions import can_hear_recordings


class CallSerializer(serializers.ModelSerializer):
    """A call: who called whom, when, how it ended, and where its recording is."""

    status = serializers.ChoiceField(
        choices=Call.Status.choices,
        read_only=True,
        help_text=_('"in_progress" only while a provider reports a call that has not ended.'),
    )
    client_name = serializers.SerializerMethodField()
    duration = serializers.IntegerField(read_only=True, help_text=_("Seconds."))
    recording_url = serializers.SerializerMethodField(
        help_text=_(
            "The recording's permission-checked URL (supports Range requests); null without "
            "a stored recording or without the recordings permission."
        )
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "provider",
            "provider_id",
            "direction",
            "status",
            "from",
            "to",
            "client",
            "client_name",
            "employee",
            "started_at",
            "duration",
            "recording_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_client_name(self, call: Call) -> str | None:
        return call.client.display_name if call.client_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_recording_url(self, call: Call) -> str | None:
        request = self.context.get("request")
        if request is None or not call.has_recording or not can_hear_recordings(request.user):
            return None
        return request.build_absolute_uri(call.get_recording_url())


# "from" is a Python keyword: declare the two number fields by name.
CallSerializer._declared_fields["from"] = serializers.CharField(
    source="from_number", read_only=True, help_text=_("E.164, or what the provider sent.")
)
CallSerializer._declared_fields["to"] = serializers.CharField(
    source="to_number", read_only=True, help_text=_("E.164, or what the provider sent.")
)
