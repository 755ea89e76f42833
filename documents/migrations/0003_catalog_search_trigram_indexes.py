"""On PostgreSQL, trigram indexes make the catalog's "contains" search use an index instead of
reading every item. SQLite (the embedded default) has no such index type and keeps its plain
scans."""

from django.db import migrations

INDEXES = [
    ("service_search_text_trgm", "documents_service", "search_text"),
    ("product_search_text_trgm", "documents_product", "search_text"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_document_sequences")]
    operations = [migrations.RunPython(create, drop)]
