"""One status per group to start from; the shop renames, recolours and adds its own in
settings. Written out here so later changes to the defaults do not change what this
migration did. The names are written in the installation's language (``LANGUAGE_CODE``):
0010 marks them built in, so each viewer reads them in their own language until renamed."""

from django.conf import settings
from django.db import migrations
from django.utils import translation

STATUSES = [
    ("New", "new", "#2563eb"),
    ("In progress", "in_progress", "#d97706"),
    ("Pending", "pending", "#7c3aed"),
    ("Done", "done", "#059669"),
    ("Delivery", "delivery", "#0891b2"),
    ("Closed", "closed", "#4b5563"),
    ("Cancelled", "cancelled", "#dc2626"),
]


def create_statuses(apps, schema_editor):
    OrderStatus = apps.get_model("documents", "OrderStatus")
    with translation.override(settings.LANGUAGE_CODE):
        for position, (name, group, color) in enumerate(STATUSES):
            OrderStatus.objects.get_or_create(
                group=group,
                name=translation.gettext(name),
                defaults={"color": color, "position": position},
            )


def remove_statuses(apps, schema_editor):
    OrderStatus = apps.get_model("documents", "OrderStatus")
    with translation.override(settings.LANGUAGE_CODE):
        for name, group, _color in STATUSES:
            OrderStatus.objects.filter(
                group=group, name=translation.gettext(name), orders__isnull=True
            ).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_orders")]
    operations = [migrations.RunPython(create_statuses, remove_statuses)]
