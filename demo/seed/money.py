"""Demo cashboxes and a few months of advances, refunds and balance corrections."""

from decimal import Decimal
from random import Random

from clients.models import Client
from ledger import services as money
from ledger.models import Cashbox

from .content import Content


def load(rng: Random, content: Content, employees) -> None:
    till_title, bank_title = content.cashboxes
    till = Cashbox.objects.create(title=till_title, kind=Cashbox.Kind.CASH)
    bank = Cashbox.objects.create(title=bank_title, kind=Cashbox.Kind.CASHLESS)
    manager = employees[1]
    money.cash_move(
        actor=manager,
        cashbox=till,
        direction="income",
        amount=Decimal("300.00"),
        category="other_income",
        note=content.opening_note,
    )
    for client in Client.objects.order_by("pk")[:30]:
        for _ in range(rng.randint(1, 4)):
            amount = Decimal(rng.randrange(2000, 60000)) / 100
            roll = rng.random()
            if roll < 0.55:
                money.advance_accept(
                    actor=manager,
                    client=client,
                    cashbox=rng.choice([till, bank]),
                    amount=amount,
                    note=rng.choice(content.advance_notes),
                )
            elif roll < 0.85:
                money.balance_correct(
                    actor=employees[0],
                    client=client,
                    amount=amount,
                    reason=rng.choice(content.correction_reasons),
                )
            else:
                client.refresh_from_db()
                owed = -client.balance
                if owed > 0:
                    money.refund_pay(
                        actor=manager,
                        client=client,
                        cashbox=bank,
                        amount=min(owed, amount),
                        note=content.refund_note,
                    )
