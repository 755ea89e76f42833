"""English and Brazilian Portuguese throughout: the pt-BR catalogue is complete."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"
SKIP = {".venv", "var", ".git", "node_modules", ".pytest_cache", ".ruff_cache", "docs"}


def test_every_string_in_the_code_has_a_portuguese_translation(tmp_path):
    """Extract the strings from the code as it is now and check each one is translated."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `make test` installs it (apt-get install gettext).")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=lambda d, names: [n for n in names if n in SKIP])
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pt_BR", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    po = polib.pofile(str(copy / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not missing, (
        "Untranslated pt-BR strings (run `make messages` and translate them): "
        + "; ".join(missing[:20])
    )


def test_catalogue_has_no_fuzzy_or_broken_entries():
    po = polib.pofile(str(CATALOGUE))
    assert po.percent_translated() == 100
    assert not po.fuzzy_entries()
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("english", "portuguese"),
    [("Clients", "Clientes"), ("Save", "Salvar"), ("Phone", "Telefone")],
)
def test_portuguese_is_served(english, portuguese):
    with translation.override("pt-br"):
        assert translation.gettext(english) == portuguese
