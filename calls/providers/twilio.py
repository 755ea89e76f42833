"""Twilio's voice callbacks (``application/x-www-form-urlencoded``, Twilio's own names).

A *status callback* carries CallSid, CallStatus, Direction, From, To, Timestamp and, once the
call is over, CallDuration. A *recording callback* carries CallSid, RecordingSid,
RecordingUrl, RecordingStatus and RecordingDuration (and no call status). Both come to the
same URL; both update the one call their CallSid names.

CallStatus → status: completed → answered, in-progress → answered, busy → busy, failed →
failed, no-answer and canceled → missed, queued / ringing / initiated → in progress (a later
final status replaces it). Direction: inbound → incoming; outbound-api and outbound-dial →
outgoing.
"""

import re
from datetime import UTC
from email.utils import parsedate_to_datetime

from django.utils import timezone

from ..reports import CallReport, ReportError
from ..services import started_from

SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
STATUSES = {
    "completed": "answered",
    "in-progress": "answered",
    "answered": "answered",
    "busy": "busy",
    "failed": "failed",
    "no-answer": "missed",
    "canceled": "missed",
    "queued": "in_progress",
    "initiated": "in_progress",
    "ringing": "in_progress",
}
DIRECTIONS = {"inbound": "incoming", "outbound-api": "outgoing", "outbound-dial": "outgoing"}
MAX_DURATION = 7 * 24 * 3600


def _seconds(value: str | None, name: str, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) > MAX_DURATION:
        errors[name] = "Must be a whole number of seconds."
        return None
    return int(value)


def parse(params) -> CallReport:
    """The call event in Twilio's POST parameters (a QueryDict)."""
    errors: dict[str, str] = {}
    sid = params.get("CallSid")
    if not sid:
        errors["CallSid"] = "This field is required."
    elif not SID.match(sid):
        errors["CallSid"] = "Not a Twilio call SID (CA + 32 hex digits)."
    is_recording = "RecordingSid" in params and "CallStatus" not in params
    status = direction = None
    if not is_recording:
        raw_status = params.get("CallStatus")
        if not raw_status:
            errors["CallStatus"] = "This field is required."
        elif raw_status not in STATUSES:
            errors["CallStatus"] = f"Unknown call status {raw_status[:40]!r}."
        else:
            status = STATUSES[raw_status]
        raw_direction = params.get("Direction")
        if not raw_direction:
            errors["Direction"] = "This field is required."
        elif raw_direction not in DIRECTIONS:
            errors["Direction"] = f"Unknown direction {raw_direction[:40]!r}."
        else:
            direction = DIRECTIONS[raw_direction]
    duration = _seconds(params.get("CallDuration"), "CallDuration", errors)
    _seconds(params.get("RecordingDuration"), "RecordingDuration", errors)
    moment = None
    if params.get("Timestamp"):
        try:
            moment = parsedate_to_datetime(params["Timestamp"])
        except (TypeError, ValueError, IndexError):
            errors["Timestamp"] = "Not an RFC 2822 date."
        else:
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=UTC)
    recording_url = None
    if params.get("RecordingUrl") and params.get("RecordingStatus", "completed") == "completed":
        recording_url = params["RecordingUrl"]
        if len(recording_url) > 1000 or not re.match(r"^https?://[^\s/]+", recording_url):
            errors["RecordingUrl"] = "Must be an http or https URL."
    for name in ("From", "To"):
        if len(params.get(name, "")) > 64:
            errors[name] = "At most 64 characters."
    if errors:
        raise ReportError(errors)
    started_at = None
    if status is not None:
        # Timestamp is when this event happened: a finished call started CallDuration earlier.
        started_at = started_from(moment, duration if status == "answered" else 0)
    return CallReport(
        provider_id=sid,
        direction=direction,
        status=status,
        from_number=params.get("From") if not is_recording else None,
        to_number=params.get("To") if not is_recording else None,
        started_at=started_at,
        duration=duration,
        recording_url=recording_url,
        earliest_start=True,
    )
