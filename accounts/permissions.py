"""The catalogue of permissions a role can grant.

A permission is a code ``"<area>.<action>"`` (so ``user.has_perm("clients.delete")`` and
``{% if perms.clients.delete %}`` work), a label and the group it is shown under when an
Admin edits a role. Built-in roles are created from these codes by a data migration.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Permission:
    code: str
    label: Promise
    group: Promise


CLIENTS = _("Clients")
MONEY = _("Balance and payments")
DOCUMENTS = _("Documents")
LEADS = _("Leads")
ASSETS = _("Assets")
COMMUNICATIONS = _("Communications")
ADMINISTRATION = _("Administration")

PERMISSIONS: tuple[Permission, ...] = (
    Permission("clients.view", _("View clients"), CLIENTS),
    Permission("clients.create", _("Create clients"), CLIENTS),
    Permission("clients.edit", _("Edit clients"), CLIENTS),
    Permission("clients.delete", _("Delete and archive clients"), CLIENTS),
    Permission("clients.export", _("Export"), CLIENTS),
    Permission("clients.import", _("Import"), CLIENTS),
    Permission("ledger.view_balance", _("View balances"), MONEY),
    Permission("ledger.correct", _("Adjust balances (corrections)"), MONEY),
    Permission("ledger.accept_advance", _("Accept advances"), MONEY),
    Permission("ledger.refund", _("Refund clients"), MONEY),
    Permission("documents.edit", _("Create and edit documents"), DOCUMENTS),
    Permission("documents.close", _("Close documents"), DOCUMENTS),
    Permission("documents.reopen", _("Reopen closed documents"), DOCUMENTS),
    Permission("documents.view_all", _("View all documents"), DOCUMENTS),
    Permission("documents.view_own", _("View only my documents"), DOCUMENTS),
    Permission("leads.view_all", _("View all leads"), LEADS),
    Permission("leads.view_own", _("View only my leads"), LEADS),
    Permission("leads.edit", _("Create and edit leads"), LEADS),
    Permission("assets.view", _("View assets"), ASSETS),
    Permission("assets.edit", _("Create, edit and move assets"), ASSETS),
    Permission(
        "communications.recordings", _("Listen to and download call recordings"), COMMUNICATIONS
    ),
    Permission("communications.send_sms", _("Send SMS"), COMMUNICATIONS),
    Permission("communications.conversations", _("Conversation access"), COMMUNICATIONS),
    Permission("accounts.manage", _("Manage employees and roles"), ADMINISTRATION),
    Permission("core.settings", _("Manage settings (lists, custom fields)"), ADMINISTRATION),
)

CODES: frozenset[str] = frozenset(p.code for p in PERMISSIONS)
BY_CODE: dict[str, Permission] = {p.code: p for p in PERMISSIONS}


def grouped() -> list[tuple[Promise, list[Permission]]]:
    """Permissions in catalogue order, grouped for display."""
    groups: list[tuple[Promise, list[Permission]]] = []
    for perm in PERMISSIONS:
        if not groups or groups[-1][0] is not perm.group:
            groups.append((perm.group, []))
        groups[-1][1].append(perm)
    return groups
