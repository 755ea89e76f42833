"""Serializer building blocks shared by every app's API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictFieldsMixin:
    """Reject keys the serializer does not know, instead of silently ignoring them.

    A client that misspells ``frist_name`` learns about it (400) rather than believing the
    value was saved. Read-only fields may be echoed back and are ignored.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)
