"""Built-in order statuses carry a system code (their group), so each viewer reads them in
their own language while the shop has not renamed them. The statuses 0005 wrote are found by
group and by name, in any of the installation's languages (with or without the "order
status" context); a renamed one keeps its name and is shown as typed. Idempotent."""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

NAMES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("pending", "Pending"),
    ("done", "Done"),
    ("delivery", "Delivery"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]


def _key(text):
    return " ".join(str(text).split()).casefold()


def _spellings(msgid):
    spellings = {_key(msgid)}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(_key(translation.gettext(msgid)))
            spellings.add(_key(translation.pgettext("order status", msgid)))
    return spellings


def tag_builtins(apps, schema_editor):
    OrderStatus = apps.get_model("documents", "OrderStatus")
    for code, msgid in NAMES:
        if OrderStatus.objects.filter(system_code=code).exists():
            continue
        spellings = _spellings(msgid)
        for status in OrderStatus.objects.filter(group=code, system_code="").order_by(
            "position", "id"
        ):
            if _key(status.name) in spellings:
                status.system_code = code
                status.save(update_fields=["system_code"])
                break


def untag_builtins(apps, schema_editor):
    apps.get_model("documents", "OrderStatus").objects.update(system_code="")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0009_order_settlement"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderstatus",
            name="system_code",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=32, verbose_name="system code"
            ),
        ),
        migrations.AddConstraint(
            model_name="orderstatus",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system_code", ""), _negated=True),
                fields=("system_code",),
                name="orderstatus_system_code_unique",
            ),
        ),
        migrations.RunPython(tag_builtins, untag_builtins),
    ]
