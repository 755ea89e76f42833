"""The committed OpenAPI schema is what the code serves; CI fails when they drift."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--lang", "en")
    assert generated.read_text() == SCHEMA.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit it."
    )


def test_schema_and_docs_are_served_without_a_cdn(client, manager):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/clients/" in schema.content
    assert client.get("/api/docs/").status_code == 302  # the docs page needs a login
    client.force_login(manager)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
