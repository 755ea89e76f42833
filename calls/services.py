"""Every change to a call goes through these functions (webhooks, commands, tests, demo).

``call_record`` stores what a provider reported, once per provider call: the row is found
under a lock, or inserted under the (provider, provider_id) unique constraint — when two
deliveries of a new call race, the loser's insert fails and it updates the winner's row. A
missed incoming call opens one "Missed call" lead (through ``leads.services``); a recording
URL queues ``calls.recordings.call_recording_fetch``.
"""

import io
import logging
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Employee
from clients.models import Client
from clients.selectors import client_search
from core.phones import to_e164
from leads.choices import system_type
from leads.models import LeadType
from leads.services import lead_create

from .audio import sniff
from .models import NUMBER_MAX, Call
from .reports import CallReport

logger = logging.getLogger("oficina.calls")

Status = Call.Status
Direction = Call.Direction
State = Call.RecordingState


class CallError(ValidationError):
    """A call change was refused; nothing was written."""


def normalize_number(raw: str | None) -> str:
    """E.164 for a valid number (any format, read in the installation's region), else what
    the provider sent, trimmed ("anonymous", "client:alice")."""
    text = (raw or "").strip()
    if not text:
        return ""
    return to_e164(text) or text[:NUMBER_MAX]


def client_for_number(number: str) -> Client | None:
    """The client whose phone is ``number`` (E.164): an active client before an archived
    one, the oldest first — the same rule leads convert by."""
    if not number.startswith("+"):
        return None
    return client_search(Client.objects.all(), number).order_by("archived", "pk").first()


def employee_for(value: str | None) -> Employee | None:
    """The active employee a provider names by login, email or phone number."""
    text = (value or "").strip()
    if not text:
        return None
    employees = Employee.objects.filter(is_active=True)
    e164 = to_e164(text)
    condition = Q(login__iexact=text) | Q(email__iexact=text)
    if e164:
        condition |= Q(phone=e164)
    return employees.filter(condition).order_by(Lower("login")).first()


def _lock_or_create(provider: str, report: CallReport) -> tuple[Call, bool]:
    """The call row locked until the transaction ends, inserting it if this is the first
    delivery. Must run inside a transaction."""
    existing = Call.objects.select_for_update().filter(
        provider=provider, provider_id=report.provider_id
    )
    call = existing.first()
    if call is not None:
        return call, False
    call = Call(
        provider=provider,
        provider_id=report.provider_id,
        # A first delivery may name only the call (a recording callback before the status
        # callback): it was answered if it was recorded; later deliveries fill the rest in.
        direction=report.direction or Direction.INCOMING,
        status=report.status or Status.ANSWERED,
        started_at=report.started_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            call.save(force_insert=True)
    except IntegrityError:
        # Another delivery of the same call inserted it first (its transaction has committed,
        # or the unique index would still be waiting for it): update that row instead.
        return existing.get(), False
    return call, True


def _status(current: str, reported: str | None, created: bool) -> str:
    """A call that has ended keeps its final status when an earlier "ringing" report arrives
    late (providers do not promise delivery order)."""
    if reported is None:
        return current
    if reported == Status.IN_PROGRESS and not created and current != Status.IN_PROGRESS:
        return current
    return reported


def call_record(*, provider: str, report: CallReport) -> tuple[Call, bool]:
    """Store what ``provider`` reported about one call; (the call, whether it is new).

    Fields the report leaves ``None`` keep their stored value. The client is matched by the
    other party's number (From of an incoming call, To of an outgoing one) while the call
    has none. A missed incoming call opens a "Missed call" lead once; a new recording URL
    queues its download.

    The lookups a report needs (its numbers' client, its employee) are read before the
    write transaction starts: on SQLite that transaction holds the database's write lock."""
    from_number = normalize_number(report.from_number) if report.from_number is not None else None
    to_number = normalize_number(report.to_number) if report.to_number is not None else None
    employee = employee_for(report.employee) if report.employee is not None else None
    other = from_number if report.direction == Direction.INCOMING else to_number
    looked_up = (other, client_for_number(other)) if report.direction and other else None
    return _call_write(
        provider=provider,
        report=report,
        numbers=(from_number, to_number),
        employee=employee,
        looked_up=looked_up,
    )


@transaction.atomic
def _call_write(*, provider, report, numbers, employee, looked_up) -> tuple[Call, bool]:
    call, created = _lock_or_create(provider, report)
    if report.direction is not None:
        call.direction = report.direction
    call.status = _status(call.status, report.status, created)
    from_number, to_number = numbers
    if from_number is not None:
        call.from_number = from_number
    if to_number is not None:
        call.to_number = to_number
    if report.started_at is not None:
        if report.earliest_start and not created:
            call.started_at = min(call.started_at, report.started_at)
        else:
            call.started_at = report.started_at
    if report.duration is not None:
        call.duration = report.duration
    if employee is not None and call.employee_id is None:
        call.employee = employee
    if call.client_id is None:
        if looked_up is not None and looked_up[0] == call.other_number:
            call.client = looked_up[1]
        else:
            call.client = client_for_number(call.other_number)
    fetch = False
    if (
        report.recording_url
        and report.recording_url != call.recording_url
        and call.recording_state != State.STORED
    ):
        call.recording_url = report.recording_url
        call.recording_state = State.PENDING
        call.recording_error = ""
        fetch = True
    call.save()
    if (
        call.missed_lead_id is None
        and call.status == Status.MISSED
        and call.direction == Direction.INCOMING
    ):
        _open_missed_call_lead(call)
    if fetch:
        from .recordings import call_recording_fetch

        call_recording_fetch.defer(call.pk)
    return call, created


def _open_missed_call_lead(call: Call) -> None:
    """A "Missed call" lead for the call's client, or for the caller's number when no client
    has it; none for a caller without a number (nobody to call back)."""
    fields = {"lead_type": system_type(LeadType.SystemCode.MISSED_CALL)}
    if call.client_id:
        fields["client"] = call.client
    elif call.from_number.startswith("+"):
        fields["contact_phone"] = call.from_number
    else:
        return
    manager = call.employee or (call.client.manager if call.client_id else None)
    if manager is not None and manager.is_active:
        fields["manager"] = manager
    else:
        fields["manager"] = None
    # The shop's data: written in the installation's language, like the built-in lists.
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(call.started_at), "SHORT_DATETIME_FORMAT")
        fields["description"] = _("Missed call from %(number)s at %(time)s.") % {
            "number": call.other_number_display,
            "time": when,
        }
    try:
        with transaction.atomic():
            lead = lead_create(actor=None, **fields)
    except ValidationError:
        logger.exception("call %s: the missed call lead was refused", call.pk)
        return
    call.missed_lead = lead
    Call.objects.filter(pk=call.pk).update(missed_lead=lead)


@transaction.atomic
def call_recording_attach(*, call: Call, content: bytes | IO[bytes], name: str = "") -> Call:
    """Store ``content`` (bytes, or a binary file positioned at its start) as the call's
    recording; refused unless it is audio by its first bytes (WAV, MP3, OGG, M4A). Used by
    the download task, the demo data and tests."""
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    head = content.read(16)
    content.seek(0)
    kind = sniff(head)
    if kind is None:
        raise CallError(_("The recording is not an audio file."))
    locked = Call.objects.select_for_update().get(pk=call.pk)
    old = locked.recording.name if locked.recording else ""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    locked.recording.save(name or f"call-{locked.pk}-{stamp}.{kind}", File(content), save=False)
    locked.recording_state = State.STORED
    locked.recording_type = kind
    locked.recording_size = locked.recording.size
    locked.recording_error = ""
    locked.save()
    if old and old != locked.recording.name:
        storage = locked.recording.storage
        transaction.on_commit(lambda: storage.delete(old))
    for field in ("recording", "recording_state", "recording_type", "recording_size"):
        setattr(call, field, getattr(locked, field))
    call.recording_error = ""
    return call


@transaction.atomic
def call_recording_failed(*, call_id: int, error: str) -> None:
    """The recording could not be downloaded: keep why, show it as failed."""
    Call.objects.filter(pk=call_id).exclude(recording_state=State.STORED).update(
        recording_state=State.FAILED, recording_error=error[:500]
    )


def started_from(moment: datetime | None, duration: int | None) -> datetime | None:
    """When a call that ended at ``moment`` after ``duration`` seconds started."""
    if moment is None:
        return None
    return moment - timedelta(seconds=duration or 0)
