"""Every variable the README's Configuration table documents changes the setting it names,
and every variable the settings read is documented there.

Each variable is set on its own and the settings module is imported afresh (it is plain
Python: no Django set-up needed), so a documented variable that nothing reads fails here.
"""

import importlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
SETTINGS_DIR = ROOT / "config" / "settings"
PRODUCTION_KEY = "p" * 64

DEV = "config.settings.dev"
PRODUCTION = "config.settings.production"


def documented_variables() -> list[str]:
    """The variables of the README's Configuration table; a row's ``_IP`` after
    ``OFICINA_WEBCHAT_RATE_TOKEN`` is ``OFICINA_WEBCHAT_RATE_IP``."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n#", 1)[0]
    names = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        prefix = ""
        for name in re.findall(r"`([A-Z0-9_]+)`", first_cell):
            if name.startswith("_"):
                name = prefix + name[1:]
            else:
                prefix = name.rsplit("_", 1)[0] + "_"
            names.append(name)
    return names


def variables_read_by_settings() -> set[str]:
    pattern = re.compile(r"(?:os\.environ\.get|env_bool|env_list|env_rate)\(\s*\"([A-Z0-9_]+)\"")
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def load(module: str, environ: dict[str, str]):
    """``module`` imported afresh under ``environ`` (on top of a clean environment), leaving
    the settings the test run uses untouched."""
    package = importlib.import_module("config.settings")
    saved_modules = {n: m for n, m in sys.modules.items() if n.startswith("config.settings.")}
    saved_attributes = dict(vars(package))
    saved_environ = dict(os.environ)
    try:
        for name in saved_modules:
            del sys.modules[name]
        for name in variables_read_by_settings() | set(documented_variables()):
            os.environ.pop(name, None)
        os.environ.update(environ)
        return importlib.import_module(module)
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
        for name in [n for n in sys.modules if n.startswith("config.settings.")]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
        vars(package).clear()
        vars(package).update(saved_attributes)


def db(settings) -> dict:
    return settings.DATABASES["default"]


# variable: (settings module, value to set, what the setting reads with it).
Check = tuple[str, str, Callable]
CHECKS: dict[str, Check] = {
    "DATABASE_URL": (
        DEV,
        "postgres://shop:pw@db.internal:5432/oficina",
        lambda s: (db(s)["ENGINE"], db(s).get("HOST"), db(s)["NAME"]),
    ),
    "REDIS_URL": (
        DEV,
        "redis://cache.internal:6379/0",
        lambda s: (s.CACHES["default"]["BACKEND"], s.CHANNEL_LAYERS["default"]["BACKEND"]),
    ),
    "SECRET_KEY": (DEV, "k" * 60, lambda s: s.SECRET_KEY),
    "DEBUG": (DEV, "1", lambda s: s.DEBUG),
    "ALLOWED_HOSTS": (DEV, "shop.example.com", lambda s: s.ALLOWED_HOSTS),
    "CSRF_TRUSTED_ORIGINS": (DEV, "https://shop.example.com", lambda s: s.CSRF_TRUSTED_ORIGINS),
    "TIME_ZONE": (DEV, "Europe/Lisbon", lambda s: s.TIME_ZONE),
    "LANGUAGE_CODE": (DEV, "pt-br", lambda s: s.LANGUAGE_CODE),
    "OFICINA_CURRENCY": (DEV, "eur", lambda s: s.OFICINA_CURRENCY),
    "OFICINA_PHONE_REGION": (DEV, "pt", lambda s: s.OFICINA_PHONE_REGION),
    "DB_CONN_MAX_AGE": (
        DEV,
        "60",
        lambda s: db(s).get("CONN_MAX_AGE"),
    ),
    "OFICINA_COMPANY_NAME": (DEV, "Oficina do Zé", lambda s: s.OFICINA_COMPANY_NAME),
    "OFICINA_PUBLIC_URL": (DEV, "https://shop.example.com", lambda s: s.OFICINA_PUBLIC_URL),
    "OFICINA_CALLS_WEBHOOK_SECRET": (DEV, "s3cret", lambda s: s.OFICINA_CALLS_WEBHOOK_SECRET),
    "OFICINA_CALLS_WEBHOOK_MAX_BODY": (DEV, "1000", lambda s: s.OFICINA_CALLS_WEBHOOK_MAX_BODY),
    "OFICINA_CALLS_RECORDING_MAX_BYTES": (
        DEV,
        "1000",
        lambda s: s.OFICINA_CALLS_RECORDING_MAX_BYTES,
    ),
    "OFICINA_CALLS_RECORDING_TIMEOUT": (DEV, "5", lambda s: s.OFICINA_CALLS_RECORDING_TIMEOUT),
    "OFICINA_SMS_BACKEND": (DEV, "twilio", lambda s: s.OFICINA_SMS_BACKEND),
    "TWILIO_ACCOUNT_SID": (DEV, "AC123", lambda s: s.TWILIO_ACCOUNT_SID),
    "TWILIO_AUTH_TOKEN": (DEV, "tok", lambda s: s.TWILIO_AUTH_TOKEN),
    "TWILIO_FROM_NUMBER": (DEV, "+15550001111", lambda s: s.TWILIO_FROM_NUMBER),
    "TWILIO_MESSAGING_SERVICE_SID": (DEV, "MG123", lambda s: s.TWILIO_MESSAGING_SERVICE_SID),
    "TWILIO_API_BASE_URL": (DEV, "http://127.0.0.1:9", lambda s: s.TWILIO_API_BASE_URL),
    "OFICINA_SMS_WEBHOOK_SECRET": (DEV, "s3cret", lambda s: s.OFICINA_SMS_WEBHOOK_SECRET),
    "OFICINA_SMS_WEBHOOK_MAX_BODY": (DEV, "1000", lambda s: s.OFICINA_SMS_WEBHOOK_MAX_BODY),
    "OFICINA_SMS_TIMEOUT": (DEV, "3", lambda s: s.OFICINA_SMS_TIMEOUT),
    "OFICINA_TELEGRAM_API_BASE_URL": (
        DEV,
        "http://127.0.0.1:9",
        lambda s: s.OFICINA_TELEGRAM_API_BASE_URL,
    ),
    "OFICINA_TELEGRAM_TIMEOUT": (DEV, "3", lambda s: s.OFICINA_TELEGRAM_TIMEOUT),
    "OFICINA_TELEGRAM_WEBHOOK_MAX_BODY": (
        DEV,
        "1000",
        lambda s: s.OFICINA_TELEGRAM_WEBHOOK_MAX_BODY,
    ),
    "OFICINA_TELEGRAM_FILE_MAX_BYTES": (DEV, "1000", lambda s: s.OFICINA_TELEGRAM_FILE_MAX_BYTES),
    "OFICINA_TRUSTED_PROXIES": (DEV, "1", lambda s: s.OFICINA_TRUSTED_PROXIES),
    "OFICINA_WEBCHAT_RATE_TOKEN": (DEV, "3/min", lambda s: s.OFICINA_WEBCHAT_RATE_TOKEN),
    "OFICINA_WEBCHAT_RATE_IP": (DEV, "4/60", lambda s: s.OFICINA_WEBCHAT_RATE_IP),
    "OFICINA_WEBCHAT_RATE_NEW": (DEV, "2/h", lambda s: s.OFICINA_WEBCHAT_RATE_NEW),
    "OFICINA_WEBCHAT_RATE_READ": (DEV, "50/30s", lambda s: s.OFICINA_WEBCHAT_RATE_READ),
    "OFICINA_WEBCHAT_RATE_FILE": (DEV, "1/h", lambda s: s.OFICINA_WEBCHAT_RATE_FILE),
    "LOG_LEVEL": (DEV, "WARNING", lambda s: s.LOGGING["root"]["level"]),
    "SECURE_SSL_REDIRECT": (PRODUCTION, "0", lambda s: s.SECURE_SSL_REDIRECT),
    "SECURE_HSTS_SECONDS": (PRODUCTION, "600", lambda s: s.SECURE_HSTS_SECONDS),
    "OFICINA_BENCH_PING": (DEV, "1", lambda s: s.OFICINA_BENCH_PING),
}
# What a variable needs beside it to matter.
ALONG_WITH = {"DB_CONN_MAX_AGE": {"DATABASE_URL": "postgres://shop:pw@db.internal:5432/oficina"}}
# Where a variable moves files: its value is a folder of the test's own.
FOLDER_VARIABLES = {"OFICINA_VAR_DIR"}


def test_the_readme_documents_every_variable_the_settings_read():
    missing = variables_read_by_settings() - set(documented_variables())
    assert not missing, f"read by config/settings but not in the README's table: {missing}"


def test_every_documented_variable_has_a_check_here():
    unchecked = set(documented_variables()) - set(CHECKS) - FOLDER_VARIABLES
    assert not unchecked, f"documented variables this test does not check: {unchecked}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_documented_variable_changes_its_setting(name, tmp_path):
    module, value, read = CHECKS[name]
    base_environ = {"OFICINA_VAR_DIR": str(tmp_path), **ALONG_WITH.get(name, {})}
    if module == PRODUCTION:
        base_environ["SECRET_KEY"] = PRODUCTION_KEY
    default = read(load(module, base_environ))
    changed = read(load(module, {**base_environ, name: value}))
    assert changed != default, f"{name}={value!r} left the setting at {default!r}"


def test_the_var_dir_moves_the_database_media_and_static_files(tmp_path):
    settings = load(DEV, {"OFICINA_VAR_DIR": str(tmp_path)})
    assert Path(db(settings)["NAME"]).parent == tmp_path
    assert Path(settings.MEDIA_ROOT).parent == tmp_path
    assert Path(settings.STATIC_ROOT).parent == tmp_path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20/60", (20, 60)), ("20/min", (20, 60)), ("10/h", (10, 3600)), ("5/30s", (5, 30))],
)
def test_web_chat_rate_limits_read_requests_and_a_period(value, expected, tmp_path):
    loaded = load(DEV, {"OFICINA_VAR_DIR": str(tmp_path), "OFICINA_WEBCHAT_RATE_IP": value})
    assert expected == loaded.OFICINA_WEBCHAT_RATE_IP


@pytest.mark.parametrize("value", ["0/min", "20", "x/min", "20/fortnight", "3/"])
def test_a_malformed_rate_limit_stops_the_start_with_its_name(value, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="OFICINA_WEBCHAT_RATE_NEW"):
        load(DEV, {"OFICINA_VAR_DIR": str(tmp_path), "OFICINA_WEBCHAT_RATE_NEW": value})


def test_make_run_serves_with_debug_off_unless_a_developer_asks(tmp_path):
    assert load(DEV, {"OFICINA_VAR_DIR": str(tmp_path)}).DEBUG is False
    assert load(DEV, {"OFICINA_VAR_DIR": str(tmp_path), "DEBUG": "1"}).DEBUG is True
