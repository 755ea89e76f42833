"""The numbering sequence of leads (``L-000001``), starting at 1. The prefix is written out
here so later changes to the defaults do not change what this migration did."""

from django.db import migrations


def create_sequence(apps, schema_editor):
    DocumentSequence = apps.get_model("documents", "DocumentSequence")
    DocumentSequence.objects.get_or_create(doc_type="lead", defaults={"prefix": "L-"})


def remove_sequence(apps, schema_editor):
    apps.get_model("documents", "DocumentSequence").objects.filter(doc_type="lead").delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_lead_sequence")]
    operations = [migrations.RunPython(create_sequence, remove_sequence)]
