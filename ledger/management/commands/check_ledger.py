"""Recompute every client and cashbox balance from the entries; exit 1 on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from ledger.checks import cashbox_mismatches, client_mismatches


class Command(BaseCommand):
    help = "Check that stored balances equal the sum of ledger entries and payments."

    def handle(self, *args, **options):
        problems = client_mismatches() + cashbox_mismatches()
        for m in problems:
            extra = ""
            if m.last_balance_after is not None and m.last_balance_after != m.stored:
                extra = f", newest entry says {m.last_balance_after}"
            self.stderr.write(
                f"{m.what} #{m.id} “{m.name}”: stored {m.stored}, entries add up to "
                f"{m.computed}{extra}"
            )
        if problems:
            raise CommandError(f"{len(problems)} balance(s) do not match their entries.")
        self.stdout.write(self.style.SUCCESS("Every balance matches its entries."))
