"""What leads start from: the two built-in types (found by their system code: telephony
creates "Missed call" leads), one status per group plus "In work", and a few lost reasons.
The shop renames, recolours and adds its own in settings. Written out here so later changes
to the defaults do not change what this migration did; the names are written in the
installation's language (``LANGUAGE_CODE``): 0004 marks them built in, so each viewer
reads them in their own language until renamed."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext_noop, pgettext_lazy

TYPES = [("lead", gettext_noop("Lead")), ("missed_call", gettext_noop("Missed call"))]
# A lead's own words ("New" is "Novo" for a lead, "Nova" for an order in Portuguese); lazy,
# so each is read in the language the migration overrides to.
STATUSES = [
    (pgettext_lazy("lead status", "New"), "open", "#2563eb"),
    (pgettext_lazy("lead status", "In work"), "open", "#d97706"),
    (pgettext_lazy("lead status", "Won"), "won", "#059669"),
    (pgettext_lazy("lead status", "Lost"), "lost", "#dc2626"),
]
REASONS = [
    gettext_noop("Too expensive"),
    gettext_noop("No answer"),
    gettext_noop("Chose another shop"),
    gettext_noop("Not repairable"),
]


def create_lists(apps, schema_editor):
    LeadType = apps.get_model("leads", "LeadType")
    LeadStatus = apps.get_model("leads", "LeadStatus")
    LostReason = apps.get_model("leads", "LostReason")
    with translation.override(settings.LANGUAGE_CODE):
        for position, (code, name) in enumerate(TYPES):
            LeadType.objects.get_or_create(
                system_code=code,
                defaults={"name": translation.gettext(name), "position": position},
            )
        for position, (name, group, color) in enumerate(STATUSES):
            LeadStatus.objects.get_or_create(
                group=group,
                name=str(name),
                defaults={"color": color, "position": position},
            )
        for position, name in enumerate(REASONS):
            LostReason.objects.get_or_create(
                name=translation.gettext(name), defaults={"position": position}
            )


def remove_lists(apps, schema_editor):
    apps.get_model("leads", "LeadType").objects.filter(
        system_code__in=[code for code, _name in TYPES], leads__isnull=True
    ).delete()
    with translation.override(settings.LANGUAGE_CODE):
        apps.get_model("leads", "LeadStatus").objects.filter(
            name__in=[str(name) for name, _group, _color in STATUSES],
            leads__isnull=True,
        ).delete()
        apps.get_model("leads", "LostReason").objects.filter(
            name__in=[translation.gettext(name) for name in REASONS], leads__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(create_lists, remove_lists)]
