"""The built-in roles. Codes are written out here so later catalogue edits do not change
what this migration did."""

from django.db import migrations

MANAGER = [
    "clients.view",
    "clients.create",
    "clients.edit",
    "clients.export",
    "ledger.view_balance",
    "ledger.correct",
    "ledger.accept_advance",
    "ledger.refund",
    "documents.edit",
    "documents.close",
    "documents.view_all",
    "leads.view_all",
    "communications.recordings",
    "communications.send_sms",
    "communications.conversations",
]
SPECIALIST = [
    "clients.view",
    "clients.create",
    "clients.edit",
    "documents.edit",
    "documents.view_own",
    "leads.view_own",
    "communications.send_sms",
]
ADMIN = MANAGER + [
    "clients.delete",
    "clients.import",
    "accounts.manage",
    "core.settings",
]

ROLES = [
    ("full_access", "Full access", True, []),
    ("admin", "Admin", False, ADMIN),
    ("manager", "Manager", False, MANAGER),
    ("specialist", "Specialist", False, SPECIALIST),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, full, perms in ROLES:
        Role.objects.update_or_create(
            system_code=code,
            defaults={"name": name, "full_access": full, "permissions": sorted(perms)},
        )


def remove_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(
        system_code__in=[code for code, *_ in ROLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
