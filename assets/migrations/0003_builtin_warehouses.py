"""The warehouses every shop starts with: "At client" (the one warehouse meaning "with its
owner"), "Pending repair" and "Ready for pick-up"; and the asset moves of the first order
statuses: an order In progress takes its asset to the assignee, a Closed one gives it back
to the client. The shop renames, adds and reconfigures them in settings.

Written out here so later changes to the defaults do not change what this migration did;
the names are written in the installation's language (``LANGUAGE_CODE``): they are the
shop's data; 0005 marks them built in, so each viewer reads them in their own language
until renamed.
"""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext_noop

WAREHOUSES = [
    (gettext_noop("At client"), "client"),
    (gettext_noop("Pending repair"), "company"),
    (gettext_noop("Ready for pick-up"), "company"),
]
MOVES = [("in_progress", "assignee"), ("closed", "client")]


def create_warehouses(apps, schema_editor):
    Warehouse = apps.get_model("assets", "Warehouse")
    with translation.override(settings.LANGUAGE_CODE):
        for position, (name, kind) in enumerate(WAREHOUSES):
            if kind == "client":
                Warehouse.objects.get_or_create(
                    kind=kind, defaults={"name": translation.gettext(name), "position": position}
                )
            else:
                Warehouse.objects.get_or_create(
                    kind=kind, name=translation.gettext(name), defaults={"position": position}
                )


def create_moves(apps, schema_editor):
    OrderStatus = apps.get_model("documents", "OrderStatus")
    StatusMove = apps.get_model("assets", "StatusMove")
    for group, target in MOVES:
        for status in OrderStatus.objects.filter(group=group):
            StatusMove.objects.get_or_create(status=status, defaults={"target": target})


def create(apps, schema_editor):
    create_warehouses(apps, schema_editor)
    create_moves(apps, schema_editor)


def remove(apps, schema_editor):
    apps.get_model("assets", "StatusMove").objects.all().delete()
    Warehouse = apps.get_model("assets", "Warehouse")
    Warehouse.objects.filter(kind__in=["client", "company"], assets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_search_trigram_indexes"), ("documents", "0005_order_statuses")]
    operations = [migrations.RunPython(create, remove)]
