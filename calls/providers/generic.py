"""Oficina's generic call webhook: one JSON object per call event (docs/webhooks.md)."""

import json
import re
from datetime import datetime

from django.utils import timezone

from core.jsontext import loads_strict

from ..reports import CallReport, ReportError

ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
DIRECTIONS = {"incoming", "outgoing"}
STATUSES = {"answered", "missed", "busy", "failed"}
FIELDS = {
    "id",
    "direction",
    "status",
    "from",
    "to",
    "started_at",
    "duration",
    "employee",
    "recording_url",
}
MAX_DURATION = 7 * 24 * 3600
URL_MAX = 1000


def _string(data: dict, name: str, errors: dict, *, required: bool, limit: int = 64) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            errors[name] = "This field is required."
        return None
    if not isinstance(value, str):
        errors[name] = "Must be a string."
        return None
    if len(value) > limit:
        errors[name] = f"At most {limit} characters."
        return None
    return value.strip()


def parse(body: bytes) -> CallReport:
    """The call event in ``body``; raises ``ReportError`` naming every malformed field."""
    try:
        data = loads_strict(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError({"body": f"Not valid JSON: {exc}"}) from None
    if not isinstance(data, dict):
        raise ReportError({"body": "Must be a JSON object."})
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        errors["body"] = f"Unknown fields: {', '.join(unknown)[:200]}."
    call_id = _string(data, "id", errors, required=True, limit=128)
    if call_id is not None and not ID.match(call_id):
        errors["id"] = "Use 1 to 128 letters, digits and . _ : @ -."
    direction = _string(data, "direction", errors, required=True)
    if direction is not None and direction not in DIRECTIONS:
        errors["direction"] = 'Must be "incoming" or "outgoing".'
    status = _string(data, "status", errors, required=True)
    if status is not None and status not in STATUSES:
        errors["status"] = 'Must be one of "answered", "missed", "busy", "failed".'
    from_number = _string(data, "from", errors, required=True)
    to_number = _string(data, "to", errors, required=True)
    started_at = None
    raw_start = _string(data, "started_at", errors, required=True)
    if raw_start is not None:
        try:
            started_at = datetime.fromisoformat(raw_start.replace("Z", "+00:00"))
        except ValueError:
            errors["started_at"] = "Must be an ISO 8601 date and time with its offset."
        else:
            if timezone.is_naive(started_at):
                errors["started_at"] = "Must be an ISO 8601 date and time with its offset."
                started_at = None
    duration = data.get("duration", 0)
    if isinstance(duration, bool) or not isinstance(duration, int):
        errors["duration"] = "Must be a whole number of seconds."
    elif not 0 <= duration <= MAX_DURATION:
        errors["duration"] = f"Must be from 0 to {MAX_DURATION}."
    employee = _string(data, "employee", errors, required=False, limit=254)
    recording_url = _string(data, "recording_url", errors, required=False, limit=URL_MAX)
    if recording_url and not re.match(r"^https?://[^\s/]+", recording_url):
        errors["recording_url"] = "Must be an http or https URL."
    if errors:
        raise ReportError(errors)
    return CallReport(
        provider_id=call_id,
        direction=direction,
        status=status,
        from_number=from_number,
        to_number=to_number,
        started_at=started_at,
        duration=duration,
        employee=employee or None,
        recording_url=recording_url or None,
    )
