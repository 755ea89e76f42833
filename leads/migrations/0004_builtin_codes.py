"""Built-in lead statuses and lost reasons carry a system code, so each viewer reads them in
their own language while the shop has not renamed them (the built-in types had one already).
The rows 0002 wrote are found by name, in any of the installation's languages; a renamed one
keeps its name and is shown as typed. Idempotent."""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

STATUSES = [
    ("new", "open", "New"),
    ("in_work", "open", "In work"),
    ("won", "won", "Won"),
    ("lost", "lost", "Lost"),
]
REASONS = [
    ("too_expensive", "Too expensive"),
    ("no_answer", "No answer"),
    ("chose_another_shop", "Chose another shop"),
    ("not_repairable", "Not repairable"),
]


def _key(text):
    return " ".join(str(text).split()).casefold()


# Earlier Portuguese translations of built-in names, since replaced.
LEGACY = {"Chose another shop": ["Escolheu outra loja"]}


def _spellings(msgid, context=None):
    spellings = {_key(msgid)} | {_key(old) for old in LEGACY.get(msgid, [])}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(_key(translation.gettext(msgid)))
            if context:
                spellings.add(_key(translation.pgettext(context, msgid)))
    return spellings


def _tag(model, code, rows, spellings):
    if model.objects.filter(system_code=code).exists():
        return
    for row in rows.filter(system_code="").order_by("position", "id"):
        if _key(row.name) in spellings:
            row.system_code = code
            row.save(update_fields=["system_code"])
            return row


def tag_builtins(apps, schema_editor):
    LeadStatus = apps.get_model("leads", "LeadStatus")
    LostReason = apps.get_model("leads", "LostReason")
    for code, group, msgid in STATUSES:
        rows = LeadStatus.objects.filter(group=group)
        _tag(LeadStatus, code, rows, _spellings(msgid, "lead status"))
    for code, msgid in REASONS:
        reason = _tag(LostReason, code, LostReason.objects.all(), _spellings(msgid))
        if reason is not None and reason.name in LEGACY.get(msgid, []):
            # Stored in a spelling no language has any more: back to the built-in name.
            LostReason.objects.filter(pk=reason.pk).update(name=msgid)


def untag_builtins(apps, schema_editor):
    apps.get_model("leads", "LeadStatus").objects.update(system_code="")
    apps.get_model("leads", "LostReason").objects.update(system_code="")


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0003_edit_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="leadstatus",
            name="system_code",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=32, verbose_name="system code"
            ),
        ),
        migrations.AddField(
            model_name="lostreason",
            name="system_code",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=32, verbose_name="system code"
            ),
        ),
        migrations.AddConstraint(
            model_name="leadstatus",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system_code", ""), _negated=True),
                fields=("system_code",),
                name="leadstatus_system_code_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="lostreason",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system_code", ""), _negated=True),
                fields=("system_code",),
                name="lostreason_system_code_unique",
            ),
        ),
        migrations.RunPython(tag_builtins, untag_builtins),
    ]
