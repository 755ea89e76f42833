"""What a provider told us about a call, in Oficina's terms, before it is stored.

Each provider adapter (``calls.providers``) turns a webhook body into a ``CallReport``; a
field left ``None`` is one this delivery did not mention (a Twilio recording callback names
the call and its recording only), so an update keeps what an earlier delivery said.
"""

from dataclasses import dataclass
from datetime import datetime


class ReportError(Exception):
    """The webhook body is malformed; ``errors`` says what is wrong, field by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CallReport:
    provider_id: str
    direction: str | None = None
    status: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    started_at: datetime | None = None
    duration: int | None = None
    employee: str | None = None  # a login, email or phone number
    recording_url: str | None = None
    # Events of one call arrive one by one (ringing, then completed): keep the earliest start.
    earliest_start: bool = False
