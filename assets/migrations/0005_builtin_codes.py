"""Built-in warehouses carry a system code, so each viewer reads them in their own language
while the shop has not renamed them. "At client" is the one warehouse of kind client; the
two company ones 0003 wrote are found by name, in any of the installation's languages. A
renamed one keeps its name and is shown as typed. Idempotent."""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

LEGACY = ["Com o cliente"]
COMPANY = [("pending_repair", "Pending repair"), ("ready_for_pickup", "Ready for pick-up")]


def _key(text):
    return " ".join(str(text).split()).casefold()


def _spellings(msgid):
    spellings = {_key(msgid)}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(_key(translation.gettext(msgid)))
    return spellings


def tag_builtins(apps, schema_editor):
    Warehouse = apps.get_model("assets", "Warehouse")
    if not Warehouse.objects.filter(system_code="at_client").exists():
        Warehouse.objects.filter(kind="client", system_code="").update(system_code="at_client")
    # The first Portuguese translation of "At client", since replaced by "No cliente".
    Warehouse.objects.filter(system_code="at_client", name__in=LEGACY).update(name="At client")
    for code, msgid in COMPANY:
        if Warehouse.objects.filter(system_code=code).exists():
            continue
        spellings = _spellings(msgid)
        rows = Warehouse.objects.filter(kind="company", system_code="").order_by("position", "id")
        for warehouse in rows:
            if _key(warehouse.name) in spellings:
                warehouse.system_code = code
                warehouse.save(update_fields=["system_code"])
                break


def untag_builtins(apps, schema_editor):
    apps.get_model("assets", "Warehouse").objects.update(system_code="")


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0004_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="warehouse",
            name="system_code",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=32, verbose_name="system code"
            ),
        ),
        migrations.AddConstraint(
            model_name="warehouse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system_code", ""), _negated=True),
                fields=("system_code",),
                name="warehouse_system_code_unique",
            ),
        ),
        migrations.RunPython(tag_builtins, untag_builtins),
    ]
