"""On PostgreSQL, trigram indexes make "contains" searches on names, emails and phone digits
use an index instead of reading every client. SQLite (the embedded default) has no such
index type and keeps its plain scans."""

from django.db import migrations

INDEXES = [
    ("client_search_name_trgm", "clients_client", "search_name"),
    ("client_email_trgm", "clients_client", "email"),
    ("clientphone_number_trgm", "clients_clientphone", "number"),
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
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
