"""Reopening a closed order became its own permission: Admins and Managers get it, the
built-in Specialist does not. Custom roles keep what they had (an Admin grants it)."""

from django.db import migrations

GRANTS = {"admin": ["documents.reopen"], "manager": ["documents.reopen"]}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in GRANTS.items():
        for role in Role.objects.filter(system_code=code):
            role.permissions = sorted({*role.permissions, *perms})
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in GRANTS.items():
        for role in Role.objects.filter(system_code=code):
            role.permissions = sorted(set(role.permissions) - set(perms))
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_builtin_roles")]
    operations = [migrations.RunPython(grant, revoke)]
