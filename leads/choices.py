"""The lists leads are described with, edited in settings: types, statuses (each in a group)
and lost reasons. None is ever deleted (leads keep their history); an entry is deactivated
instead, and no longer offered."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import NAME_MAX, Lead, LeadStatus, LeadType, LostReason

Group = LeadStatus.Group
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
REASON_MAX = 100
# What a type with a system code is called when a database emptied since the data migration
# (a test flush, a restore of the data alone) needs it back.
SYSTEM_TYPE_NAMES = {
    LeadType.SystemCode.LEAD: gettext_noop("Lead"),
    LeadType.SystemCode.MISSED_CALL: gettext_noop("Missed call"),
}


class ChoiceError(ValidationError):
    """A change to a lead type, status or lost reason was refused; nothing was written."""


# --- what the services look up ---------------------------------------------------------------


def first_status(group: str) -> LeadStatus:
    """The first active status of ``group`` (where new, converted and lost leads go). A
    database emptied of statuses gets the group's default back."""
    status = LeadStatus.objects.filter(group=group, active=True).order_by("position", "id").first()
    if status is None:
        # Built in again (shown in each viewer's language) unless that built-in still exists.
        code = {Group.OPEN: "new", Group.WON: "won", Group.LOST: "lost"}[group]
        if LeadStatus.objects.filter(system_code=code).exists():
            code = ""
        name = LeadStatus.BUILTIN_NAMES["new" if group == Group.OPEN else group]
        status = LeadStatus.objects.create(name=name, system_code=code, group=group, position=99)
    return status


def system_type(code: str) -> LeadType:
    """The built-in type with ``code`` ("lead", "missed_call"), active or not; created again
    if a database emptied since the data migration lacks it."""
    lead_type = LeadType.objects.filter(system_code=code).first()
    if lead_type is None:
        # The shop's data, in the installation's language (as the data migration wrote it).
        with translation.override(settings.LANGUAGE_CODE):
            name = translation.gettext(SYSTEM_TYPE_NAMES[code])
        lead_type = LeadType.objects.create(system_code=code, name=name, position=99)
    return lead_type


# --- settings --------------------------------------------------------------------------------


def _name(value, errors: dict, *, limit: int = NAME_MAX) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > limit:
        errors["name"] = [
            _("Ensure this value has at most %(limit)d characters.") % {"limit": limit}
        ]
    return name


def _position(value, errors: dict) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
        errors["position"] = [_("Enter a number from 0 to 999.")]
        return 0
    return value


@transaction.atomic
def lead_type_save(
    *, actor, lead_type: LeadType | None, name: str, position: int = 0, active: bool = True
) -> LeadType:
    """Create (``lead_type=None``) or change a lead type. Built-in types may be renamed and
    deactivated (no longer offered on forms); their system code stays."""
    errors: dict[str, list[str]] = {}
    name = _name(name, errors)
    position = _position(position, errors)
    if errors:
        raise ChoiceError(errors)
    current = LeadType.objects.select_for_update().get(pk=lead_type.pk) if lead_type else LeadType()
    current.name, current.position, current.active = name, position, bool(active)
    current.save()
    return current


@transaction.atomic
def lead_status_save(
    *,
    actor,
    status: LeadStatus | None,
    name: str,
    group: str,
    color: str,
    position: int = 0,
    active: bool = True,
) -> LeadStatus:
    """Create (``status=None``) or change a lead status. A status leads are in keeps its
    group; each group keeps at least one active status (new leads start in the first Open
    one, converting moves to the first Won one, losing to the first Lost one)."""
    errors: dict[str, list[str]] = {}
    name = _name(name, errors)
    position = _position(position, errors)
    if group not in Group.values:
        errors["group"] = [_("Choose a group.")]
    if not isinstance(color, str) or not COLOR.match(color):
        errors["color"] = [_("Enter a colour in hex, e.g. #2563eb.")]
    if errors:
        raise ChoiceError(errors)
    if status is not None:
        current = LeadStatus.objects.select_for_update().get(pk=status.pk)
        if group != current.group and Lead.objects.filter(status=current).exists():
            raise ChoiceError(
                {
                    "group": [
                        _(
                            "Leads are in this status: its group cannot change. "
                            "Add a new status instead."
                        )
                    ]
                }
            )
        leaving = current.active and (not active or group != current.group)
        if leaving:
            others = LeadStatus.objects.filter(group=current.group, active=True).exclude(
                pk=current.pk
            )
            if not others.exists():
                raise ChoiceError(
                    {
                        "active": [
                            _("The group “%(group)s” needs at least one active status.")
                            % {"group": Group(current.group).label}
                        ]
                    }
                )
    else:
        current = LeadStatus()
    current.name, current.group, current.color = name, group, color.lower()
    current.position, current.active = position, bool(active)
    current.save()
    return current


@transaction.atomic
def lost_reason_save(
    *, actor, reason: LostReason | None, name: str, position: int = 0, active: bool = True
) -> LostReason:
    """Create (``reason=None``) or change a lost reason."""
    errors: dict[str, list[str]] = {}
    name = _name(name, errors, limit=REASON_MAX)
    position = _position(position, errors)
    if errors:
        raise ChoiceError(errors)
    current = LostReason.objects.select_for_update().get(pk=reason.pk) if reason else LostReason()
    current.name, current.position, current.active = name, position, bool(active)
    current.save()
    return current
