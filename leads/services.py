"""Every change to a lead goes through these functions (pages, API, commands, tests).

Each is one transaction that locks the lead row first and checks the rule against the locked
values; a refused change raises ``LeadError`` and writes nothing. A lead is won only by
converting it into a work order or an estimate (``lead_convert``, which makes the document
through ``documents.orders`` / ``documents.estimates``), and lost only with a reason
(``lead_mark_lost``). Every status move is kept in the lead's history.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import AdCampaign, Client
from clients.selectors import client_search
from clients.services import PhoneInput, client_create
from core.phones import normalize_phone
from core.text import fold
from documents.checks import MAX_COMMENT, MAX_LONG_TEXT, clean_employee, clean_text
from documents.estimates import estimate_create
from documents.models import Estimate, Order
from documents.numbering import next_number
from documents.orders import order_create

from .choices import first_status, system_type
from .models import Lead, LeadStatus, LeadStatusChange, LeadType, LostReason

Group = LeadStatus.Group
NAME_MAX = 200
LEAD_FIELDS = {
    "client",
    "contact_name",
    "contact_phone",
    "lead_type",
    "description",
    "manager",
    "deadline",
    "ad_campaign",
    "urgent",
}
CONVERT_TO = ("order", "estimate")


class LeadError(ValidationError):
    """A lead change was refused; nothing was written. The messages say why."""


# --- checks ----------------------------------------------------------------------------------


def _text(value, field: str, *, limit: int) -> str:
    if value is not None and not isinstance(value, str):
        raise LeadError({field: [_("Enter text.")]})
    return clean_text(value, field, error=LeadError, limit=limit)


def _phone(value) -> str:
    if value is not None and not isinstance(value, str):
        raise LeadError({"contact_phone": [_("Enter text.")]})
    if not (value or "").strip():
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise LeadError({"contact_phone": exc.messages}) from None


def _instance(value, model, field: str, *, current=None, message: str):
    """``value`` must be a ``model`` row (or None); a row no longer active is refused unless
    it is what the lead already has."""
    if value is None:
        return None
    if not isinstance(value, model) or value.pk is None:
        raise LeadError({field: [message]})
    if hasattr(value, "active") and not value.active and value != current:
        raise LeadError({field: [_("This entry is no longer in use.")]})
    return value


def _fields(fields: dict, lead: Lead | None = None) -> dict:
    """The lead's own fields, checked; unknown names are a programming error."""
    unknown = set(fields) - LEAD_FIELDS
    if unknown:
        raise TypeError(f"unknown lead fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)

    def current(name):
        return getattr(lead, name) if lead is not None else None

    if "client" in cleaned:
        cleaned["client"] = _instance(
            cleaned["client"], Client, "client", message=_("Choose a client.")
        )
    if "contact_name" in cleaned:
        cleaned["contact_name"] = " ".join(
            _text(cleaned["contact_name"], "contact_name", limit=NAME_MAX).split()
        )
    if "contact_phone" in cleaned:
        cleaned["contact_phone"] = _phone(cleaned["contact_phone"])
    if "lead_type" in cleaned:
        if cleaned["lead_type"] is None:
            raise LeadError({"lead_type": [_("Choose a type.")]})
        cleaned["lead_type"] = _instance(
            cleaned["lead_type"],
            LeadType,
            "lead_type",
            current=current("lead_type"),
            message=_("Choose a type."),
        )
    if "description" in cleaned:
        cleaned["description"] = _text(cleaned["description"], "description", limit=MAX_LONG_TEXT)
    if "manager" in cleaned:
        manager = cleaned["manager"]
        if manager is not None and not hasattr(manager, "is_active"):
            raise LeadError({"manager": [_("Choose an employee.")]})
        if manager != current("manager"):
            cleaned["manager"] = clean_employee(manager, "manager", error=LeadError)
    if "deadline" in cleaned:
        deadline = cleaned["deadline"]
        if deadline is not None and (
            not isinstance(deadline, datetime) or timezone.is_naive(deadline)
        ):
            raise LeadError({"deadline": [_("Enter a valid date and time.")]})
    if "ad_campaign" in cleaned:
        cleaned["ad_campaign"] = _instance(
            cleaned["ad_campaign"],
            AdCampaign,
            "ad_campaign",
            current=current("ad_campaign"),
            message=_("Choose a marketing source."),
        )
    if "urgent" in cleaned and not isinstance(cleaned["urgent"], bool):
        raise LeadError({"urgent": [_("Must be true or false.")]})
    return cleaned


def _require_contact(lead: Lead) -> None:
    if lead.client_id is None and not lead.contact_phone:
        raise LeadError(
            {"contact_phone": [_("Choose a client, or enter the contact's phone number.")]}
        )


def _lock(lead: Lead) -> Lead:
    """The lead as it is now, its row locked until the transaction ends.

    The lock is taken on the lead's row alone, then the lead is read with what the rules
    look at: on PostgreSQL a locking query with outer joins would be re-checked against the
    joined rows it first saw, and drop a lead another transaction has just converted.
    """
    list(Lead.objects.select_for_update().filter(pk=lead.pk).values_list("pk", flat=True))
    return Lead.objects.select_related("status", "client", "manager", "order", "estimate").get(
        pk=lead.pk
    )


def _num(lead: Lead) -> dict:
    return {"number": lead.number}


def _result_number(lead: Lead) -> str:
    document = lead.order or lead.estimate
    return document.number if document else ""


def _move(*, actor, lead: Lead, target: Lead, status: LeadStatus, comment: str = "", **extra):
    """Move the (locked) ``lead`` to ``status``, keep the step in its history, and show the
    caller's ``target`` object the new values."""
    LeadStatusChange.objects.create(
        lead=lead, from_status=lead.status, to_status=status, employee=actor, comment=comment
    )
    Lead.objects.filter(pk=lead.pk).update(status=status, **extra)
    for obj in {id(lead): lead, id(target): target}.values():
        obj.status = status
        for name, value in extra.items():
            setattr(obj, name, value)


# --- creating and editing --------------------------------------------------------------------


@transaction.atomic
def lead_create(*, actor, status: LeadStatus | None = None, **fields) -> Lead:
    """Open a lead, numbered from the gap-free lead sequence (``L-000001``).

    ``fields``: client, or contact_name and contact_phone (any format; stored in E.164);
    lead_type (the built-in "Lead" by default), description, manager (the employee who opens
    it, by default), deadline (aware datetime), ad_campaign, urgent. Without ``status`` the
    lead starts in the first active Open status.
    """
    fields.setdefault("manager", actor)
    cleaned = _fields(fields)
    if cleaned.get("lead_type") is None:
        cleaned["lead_type"] = system_type(LeadType.SystemCode.LEAD)
    if status is None:
        status = first_status(Group.OPEN)
    elif not isinstance(status, LeadStatus) or not status.active or status.group != Group.OPEN:
        raise LeadError({"status": [_("A new lead needs an active, open status.")]})
    lead = Lead(status=status, created_by=actor, **cleaned)
    lead.search_name = fold(lead.contact_name)[:NAME_MAX]
    _require_contact(lead)
    # Taken last, right before the insert: the sequence row stays locked the shortest time.
    lead.number = next_number("lead")
    lead.save()
    LeadStatusChange.objects.create(lead=lead, to_status=status, employee=actor)
    return lead


@transaction.atomic
def lead_update(*, actor, lead: Lead, **fields) -> Lead:
    """Change the lead's own fields (the ones ``lead_create`` takes). A converted lead keeps
    the client its document was made for."""
    locked = _lock(lead)
    cleaned = _fields(fields, locked)
    if (
        "client" in cleaned
        and locked.is_converted
        and getattr(cleaned["client"], "pk", None) != locked.client_id
    ):
        raise LeadError(
            {
                "client": [
                    _("Lead %(number)s was converted: its client cannot change.") % _num(locked)
                ]
            }
        )
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if "contact_name" in cleaned:
        cleaned["search_name"] = fold(locked.contact_name)[:NAME_MAX]
    _require_contact(locked)
    if cleaned:
        Lead.objects.filter(pk=locked.pk).update(**cleaned)
    for name, value in cleaned.items():
        setattr(lead, name, value)
    return lead


# --- status, winning and losing --------------------------------------------------------------


def _comment(comment) -> str:
    return _text(comment, "comment", limit=MAX_COMMENT)


def _status(status, field: str = "status") -> LeadStatus:
    if not isinstance(status, LeadStatus) or status.pk is None:
        raise LeadError({field: [_("Choose a status.")]})
    return status


@transaction.atomic
def lead_status_set(*, actor, lead: Lead, status: LeadStatus, comment: str = "") -> Lead:
    """Move the lead to another status of the group it may be in: an open lead moves among
    the Open statuses, a lost one back to Open (it is worked on again; its reason is
    cleared) or to another Lost status, a converted one among the Won statuses. Winning is
    converting (``lead_convert``); losing needs a reason (``lead_mark_lost``)."""
    status = _status(status)
    comment = _comment(comment)
    locked = _lock(lead)
    if status.pk == locked.status_id:
        return lead
    if not status.active:
        raise LeadError({"status": [_("This status is no longer in use.")]})
    extra = {}
    if locked.is_converted:
        if status.group != Group.WON:
            raise LeadError(
                {
                    "status": [
                        _("Lead %(number)s was converted into %(document)s: it stays won.")
                        % {**_num(locked), "document": _result_number(locked)}
                    ]
                }
            )
    elif status.group == Group.WON:
        raise LeadError({"status": [_("Convert the lead into an order or an estimate to win it.")]})
    elif status.group == Group.LOST and locked.status.group != Group.LOST:
        raise LeadError({"status": [_("Mark the lead lost, with a reason.")]})
    elif status.group == Group.OPEN:
        extra["lost_reason"] = None
    _move(actor=actor, lead=locked, target=lead, status=status, comment=comment, **extra)
    return lead


@transaction.atomic
def lead_mark_lost(
    *,
    actor,
    lead: Lead,
    reason: LostReason,
    comment: str = "",
    status: LeadStatus | None = None,
) -> Lead:
    """Give the lead up: a lost reason is required; the lead moves to ``status`` (a Lost
    one) or the first active Lost status. A converted lead cannot be lost."""
    if not isinstance(reason, LostReason) or reason.pk is None:
        raise LeadError({"reason": [_("Choose why the lead was lost.")]})
    if status is not None:
        status = _status(status)
        if status.group != Group.LOST or not status.active:
            raise LeadError({"status": [_("Choose an active Lost status.")]})
    comment = _comment(comment)
    locked = _lock(lead)
    if not reason.active and reason.pk != locked.lost_reason_id:
        raise LeadError({"reason": [_("This entry is no longer in use.")]})
    if locked.is_converted:
        raise LeadError(
            _("Lead %(number)s was converted into %(document)s and cannot be lost.")
            % {**_num(locked), "document": _result_number(locked)}
        )
    status = status or first_status(Group.LOST)
    _move(actor=actor, lead=locked, target=lead, status=status, comment=comment, lost_reason=reason)
    return lead


def _client_for(actor, lead: Lead) -> tuple[Client, bool]:
    """The lead's client and whether it was created just now: for a contact-only lead the
    client with its phone (any format was stored as E.164), else a new client made from the
    contact."""
    if lead.client_id:
        return lead.client, False
    matched = (
        client_search(Client.objects.all(), lead.contact_phone).order_by("archived", "pk").first()
    )
    if matched is not None:
        return matched, False
    if not lead.contact_name:
        raise LeadError(
            {
                "contact_name": [
                    _("No client has this phone: enter the contact's name to create one.")
                ]
            }
        )
    if actor is None or not actor.has_perm("clients.create"):
        raise LeadError(
            _("No client has this phone, and creating clients is not part of your role.")
        )
    first, _space, last = lead.contact_name.partition(" ")
    client = client_create(
        actor=actor,
        data={
            "kind": Client.Kind.PERSON,
            "first_name": first[:100],
            "last_name": last.strip()[:100],
            "marketing_source": lead.ad_campaign,
            "manager": lead.manager if lead.manager and lead.manager.is_active else None,
        },
        phones=[PhoneInput(number=lead.contact_phone)],
    )
    return client, True


@transaction.atomic
def lead_convert(*, actor, lead: Lead, to: str) -> Order | Estimate:
    """Make a work order (``to="order"``) or an estimate (``to="estimate"``) from the lead,
    for its client (found by phone or created for a contact-only lead), keep it as the
    lead's result and move the lead to the first active Won status. A lead converts once;
    a lost lead is reopened first. The document's ``client_created`` is True when the
    conversion created its client (the page says so)."""
    if to not in CONVERT_TO:
        raise LeadError({"to": [_("Convert into an order or an estimate.")]})
    locked = _lock(lead)
    if locked.is_converted:
        raise LeadError(
            _("Lead %(number)s was already converted into %(document)s.")
            % {**_num(locked), "document": _result_number(locked)}
        )
    if locked.status.group == Group.LOST:
        raise LeadError(
            _("Lead %(number)s is lost: move it back to an open status to convert it.")
            % _num(locked)
        )
    client, client_created = _client_for(actor, locked)
    manager = locked.manager if locked.manager and locked.manager.is_active else actor
    make = order_create if to == "order" else estimate_create
    try:
        document = make(actor=actor, client=client, manager=manager, description=locked.description)
    except ValidationError as exc:
        raise LeadError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    _move(
        actor=actor,
        lead=locked,
        target=lead,
        status=first_status(Group.WON),
        comment=document.number,
        client=client,
        **{to: document},
    )
    document.client_created = client_created
    return document
