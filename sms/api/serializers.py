from rest_framework import serializers

from ..encoding import MAX_CHARS
from ..models import SmsMessage, SmsStatus


class SmsSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=SmsStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SmsMessage
        fields = [
            "id",
            "client",
            "phone",
            "text",
            "encoding",
            "segments",
            "status",
            "status_display",
            "error_code",
            "error",
            "template",
            "created_at",
            "sent_at",
            "status_changed_at",
        ]
        read_only_fields = fields


class SmsCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1)
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_CHARS * 2
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    template = serializers.IntegerField(required=False, allow_null=True, min_value=1)
