"""Creating and editing leads became its own permission ("leads.edit"): the built-in Admin,
Manager and Specialist get it. Custom roles keep what they had (an Admin grants it)."""

from django.db import migrations

GRANTS = {"admin": ["leads.edit"], "manager": ["leads.edit"], "specialist": ["leads.edit"]}


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
    dependencies = [("accounts", "0003_reopen_permission"), ("leads", "0002_builtin_lists")]
    operations = [migrations.RunPython(grant, revoke)]
