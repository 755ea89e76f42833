"""Settings come from the environment; production refuses unsafe defaults."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


# The test run's own variables that a deployment would not have.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(*names: str, **env: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environ.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


PRODUCTION = "config.settings.production"


def test_production_refuses_the_development_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY="oficina-development-key-never-use-in-production",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE=PRODUCTION, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deployment_checklist(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(64),
        OFICINA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_never_loads_demo_data(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "OFICINA_VAR_DIR": str(tmp_path),
    }
    assert run_manage("migrate", "--noinput", **env).returncode == 0
    result = run_manage("seed_demo", **env)
    assert result.returncode != 0
    assert "not allowed" in result.stderr


def test_embedded_default_is_sqlite_in_wal_with_immediate_transactions(tmp_path):
    values = read_settings(
        "DATABASES",
        "CHANNEL_LAYERS",
        "CACHES",
        OFICINA_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    db = values["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"].startswith(str(tmp_path))
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "InMemoryChannelLayer" in values["CHANNEL_LAYERS"]["default"]["BACKEND"]
    assert "locmem" in values["CACHES"]["default"]["BACKEND"]


def test_wal_is_really_on(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {**os.environ, "OFICINA_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert out.stdout.decode().strip() == "wal", out.stderr.decode()


def test_postgres_and_redis_are_chosen_by_environment_variables():
    values = read_settings(
        "DATABASES",
        "CHANNEL_LAYERS",
        "CACHES",
        "TIME_ZONE",
        "LANGUAGE_CODE",
        "OFICINA_CURRENCY",
        "OFICINA_PHONE_REGION",
        "ALLOWED_HOSTS",
        "DEBUG",
        DATABASE_URL="postgres://shop:pw@db.internal:5432/oficina",
        REDIS_URL="redis://cache.internal:6379/0",
        TIME_ZONE="Europe/Lisbon",
        LANGUAGE_CODE="pt-br",
        OFICINA_CURRENCY="eur",
        OFICINA_PHONE_REGION="pt",
        ALLOWED_HOSTS="shop.example.com,www.shop.example.com",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    db = values["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "oficina", "shop")
    assert "RedisChannelLayer" in values["CHANNEL_LAYERS"]["default"]["BACKEND"]
    assert "redis" in values["CACHES"]["default"]["BACKEND"].lower()
    assert values["TIME_ZONE"] == "Europe/Lisbon"
    assert values["LANGUAGE_CODE"] == "pt-br"
    assert values["OFICINA_CURRENCY"] == "EUR"
    assert values["OFICINA_PHONE_REGION"] == "PT"
    assert values["ALLOWED_HOSTS"] == ["shop.example.com", "www.shop.example.com"]
    assert values["DEBUG"] is False


@pytest.mark.parametrize("module", ["config.asgi", "config.wsgi"])
def test_server_entry_points_import(module):
    out = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
