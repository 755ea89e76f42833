"""On PostgreSQL, trigram indexes make the assets page's "contains" search (name, serial
number) use an index instead of reading every asset. SQLite keeps its plain scans."""

from django.db import migrations

INDEXES = [
    ("asset_search_name_trgm", "assets_asset", "search_name"),
    ("asset_serial_key_trgm", "assets_asset", "serial_key"),
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
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
