"""The assets permissions: "View assets" and "Create, edit and move assets" for the
built-in Admin, Manager and Specialist (Full access has every permission already). Custom
roles keep what they had (an Admin grants it)."""

from django.db import migrations

PERMS = ["assets.view", "assets.edit"]
GRANTS = {"admin": PERMS, "manager": PERMS, "specialist": PERMS}


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
    dependencies = [("assets", "0003_builtin_warehouses"), ("accounts", "0003_reopen_permission")]
    operations = [migrations.RunPython(grant, revoke)]
