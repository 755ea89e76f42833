"""The numbering sequences of orders, estimates and sales, each starting at 1. Prefixes are
written out here so later changes to the defaults do not change what this migration did."""

from django.db import migrations

SEQUENCES = [("order", "A-"), ("estimate", "E-"), ("sale", "S-")]


def create_sequences(apps, schema_editor):
    DocumentSequence = apps.get_model("documents", "DocumentSequence")
    for doc_type, prefix in SEQUENCES:
        DocumentSequence.objects.get_or_create(doc_type=doc_type, defaults={"prefix": prefix})


def remove_sequences(apps, schema_editor):
    apps.get_model("documents", "DocumentSequence").objects.filter(
        doc_type__in=[doc_type for doc_type, _prefix in SEQUENCES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(create_sequences, remove_sequences)]
