"""Compile every ``.po`` catalogue to ``.mo`` in pure Python.

Django's own ``compilemessages`` needs GNU gettext, which a fresh machine may lack; polib
does the same job, so `make run` and `make test` need nothing but Python.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) to binary form (.mo)."

    def handle(self, *args, **options):
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        if options["verbosity"] > 1:
            self.stdout.write(f"compiled {count} catalogue(s)")
