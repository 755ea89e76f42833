"""Load the demo: three employees and about sixty clients, with money, documents, leads,
assets, SMS, calls and conversations. Runs once; later runs do nothing.

The demo speaks the installation's language (``LANGUAGE_CODE``): a Brazilian shop for
``pt-br``, an English-speaking one otherwise (``demo.seed.content``). Only allowed where
settings.OFICINA_DEMO_ALLOWED is true (the embedded default), so a production database never
receives demo logins.
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Employee
from demo import seed
from demo.seed.content import content_for


class Command(BaseCommand):
    help = "Load demo employees and clients (once; only where demo data is allowed)."

    def handle(self, *args, **options):
        if not settings.OFICINA_DEMO_ALLOWED:
            raise CommandError("Demo data is not allowed with these settings.")
        if Employee.objects.filter(login="admin").exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            seed.load(random.Random(2026), content_for())  # noqa: S311  demo data, not secrets
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
