"""Cashboxes for tests. Money moves only through ``ledger.services``: never set a balance here."""

import factory

from ledger.models import Cashbox


class CashboxFactory(factory.django.DjangoModelFactory):
    """An active cash till with a zero balance."""

    class Meta:
        model = Cashbox

    title = factory.Sequence(lambda n: f"Till {n}")
    kind = Cashbox.Kind.CASH
    virtual = False
    active = True


class CashlessCashboxFactory(CashboxFactory):
    """An active bank account; it may go below zero."""

    title = factory.Sequence(lambda n: f"Account {n}")
    kind = Cashbox.Kind.CASHLESS
