"""Any sequence of document operations on two clients keeps the books right.

Orders (created with random lines or none, prepaid — above what is left only when confirmed
—, closed either way using the client's advance, reopened, cancelled), sales (paid now or
charged, paid later, returned in parts or whole, with or without money back), estimates
(created, converted), advances and corrections, and attempts to reverse any ledger entry
run in any order. The machine keeps its own model of every balance and predicts whether
each operation is accepted or refused: an entry a document wrote is never reversed from
the balance, and the refusal names the document. After every step the stored balances
equal the model and the rows they sum, each document's own entries add up to what it says
it owes, and what each document shows (closed and charged, paid, how it was settled) is
what the ledger says; after every sequence ``check_ledger`` passes.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.tests.factories import EmployeeFactory
from clients.models import Client
from clients.tests.factories import ClientFactory
from core.money import quantize
from documents.estimates import EstimateError, estimate_convert, estimate_create
from documents.models import Order, OrderStatus, Sale, SaleItem
from documents.orders import (
    OrderError,
    first_status,
    order_close,
    order_create,
    order_item_add,
    order_prepay,
    order_reopen,
    order_status_set,
)
from documents.sales import SaleError, sale_create, sale_return
from documents.totals import DiscountKind, LineInput, LineKind, line_total
from ledger.models import Cashbox, LedgerEntry, Payment
from ledger.services import (
    DocumentRef,
    MoneyError,
    advance_accept,
    balance_correct,
    document_pay,
    entry_reverse,
)
from ledger.tests.factories import CashboxFactory, CashlessCashboxFactory

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Group = OrderStatus.Group

lines = st.lists(
    st.fixed_dictionaries(
        {
            "price": st.decimals(min_value=ZERO, max_value=Decimal("400.00"), places=2),
            "quantity": st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5"), places=3),
            "discount": st.one_of(
                st.just(ZERO),
                st.decimals(min_value=ZERO, max_value=Decimal("100"), places=2),
            ),
        }
    ),
    min_size=1,
    max_size=3,
)
amounts = st.decimals(min_value=CENT, max_value=Decimal("600.00"), places=2)
who = st.integers(0, 1)
where = st.integers(0, 1)  # 0: the cash till (never below zero), 1: the bank account


def text_lines(drawn: list[dict]) -> list[dict]:
    return [
        {
            "kind": LineKind.TEXT,
            "title": "Line",
            "discount_kind": DiscountKind.PERCENT,
            **line,
        }
        for line in drawn
    ]


def total_of(drawn: list[dict]) -> Decimal:
    return sum(
        (
            line_total(LineInput(line["quantity"], line["price"], line["discount"]))
            for line in drawn
        ),
        ZERO,
    )


class DocumentsMachine(RuleBasedStateMachine):
    actor = None  # one employee for every example, set by the test

    def __init__(self):
        super().__init__()
        # The db fixture's transaction spans every example: make fresh rows, look only at those.
        self.clients = [ClientFactory(), ClientFactory()]
        self.cashboxes = [CashboxFactory(), CashlessCashboxFactory()]
        self.balance = {c.pk: ZERO for c in self.clients}
        self.cash = {b.pk: ZERO for b in self.cashboxes}
        # pk -> {"client", "total", "paid", "group", "lines", "settled"}; "settled" is what
        # the closed order must show: (settlement, paid at closing, covered by advance,
        # charged to the balance)
        self.orders: dict[int, dict] = {}
        # Ledger entries reversed through entry_reverse (by the machine's own rule).
        self.reversed: set[int] = set()
        # pk -> {"client", "total", "paid", "returned", "refunded"}
        self.sales: dict[int, dict] = {}

    # --- helpers --------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int, int]:
        return (
            LedgerEntry.objects.count(),
            Payment.objects.count(),
            Order.objects.count(),
            Sale.objects.count(),
        )

    def refused(self, errors, operation) -> Exception:
        """``operation`` must be refused and write nothing (the invariants then compare every
        stored balance with the unchanged model); the refusal is returned."""
        before = self.counts()
        with pytest.raises(errors) as refusal:
            operation()
        assert self.counts() == before, "a refused operation wrote rows"
        event(f"refused: {type(refusal.value).__name__}")
        return refusal.value

    def pick(self, data, documents: dict, label: str, condition=lambda d: True):
        candidates = sorted(pk for pk, doc in documents.items() if condition(doc))
        if not candidates:
            return None
        return data.draw(st.sampled_from(candidates), label=label)

    def money_in(self, client_pk: int, cashbox_pk: int, amount: Decimal) -> None:
        self.balance[client_pk] -= amount
        self.cash[cashbox_pk] += amount

    # --- orders ---------------------------------------------------------------------------

    def new_order(self, order, client_pk: int, lines_count: int) -> None:
        self.orders[order.pk] = {
            "client": client_pk,
            "total": order.total,
            "paid": ZERO,
            "group": Group.NEW,
            "lines": lines_count,
            "settled": ("", ZERO, ZERO, ZERO),
        }

    @rule(client=who, drawn=st.one_of(st.just([]), lines))
    def create_order(self, client, drawn):
        order = order_create(actor=self.actor, client=self.clients[client], items=text_lines(drawn))
        assert order.total == total_of(drawn)
        self.new_order(order, self.clients[client].pk, len(drawn))

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), drawn=lines)
    def add_to_order(self, data, drawn):
        pk = self.pick(data, self.orders, "order")
        model, order = self.orders[pk], Order.objects.get(pk=pk)
        (line,) = text_lines(drawn[:1])

        def operation():
            return order_item_add(actor=self.actor, order=order, **line)

        if model["group"] in (Group.CLOSED, Group.CANCELLED):
            self.refused(OrderError, operation)
            return
        operation()
        model["total"] += total_of(drawn[:1])
        model["lines"] += 1

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), cashbox=where, amount=amounts, confirmed=st.booleans())
    def prepay(self, data, cashbox, amount, confirmed):
        pk = self.pick(data, self.orders, "order")
        model, box = self.orders[pk], self.cashboxes[cashbox]

        def operation():
            return order_prepay(
                actor=self.actor,
                order=Order.objects.get(pk=pk),
                cashbox=box,
                amount=amount,
                allow_overpayment=confirmed,
            )

        if model["group"] in (Group.CLOSED, Group.CANCELLED):
            self.refused(OrderError, operation)
            return
        if amount > model["total"] - model["paid"] and not confirmed:
            self.refused(OrderError, operation)  # more than is left to pay, unconfirmed
            return
        operation()
        model["paid"] += amount
        self.money_in(model["client"], box.pk, amount)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), to_cashbox=st.booleans(), cashbox=where)
    def close(self, data, to_cashbox, cashbox):
        pk = self.pick(data, self.orders, "order")
        model, box = self.orders[pk], self.cashboxes[cashbox]
        settlement = "cashbox" if to_cashbox else "balance"

        def operation():
            return order_close(
                actor=self.actor, order=Order.objects.get(pk=pk), settlement=settlement, cashbox=box
            )

        if model["group"] in (Group.CLOSED, Group.CANCELLED) or not model["lines"]:
            self.refused(OrderError, operation)
            return
        before = self.balance[model["client"]] + model["paid"]  # before anything was paid
        rest = model["total"] - model["paid"]
        # The client's credit besides this order's own payments pays what is left first.
        on_account = max(-before, ZERO)
        from_advance = min(on_account, max(rest, ZERO))
        left = max(rest, ZERO) - from_advance
        operation()
        model["group"] = Group.CLOSED
        self.balance[model["client"]] += model["total"]
        paid_now = left if to_cashbox else ZERO
        if paid_now > 0:
            model["paid"] += paid_now
            self.money_in(model["client"], box.pk, paid_now)
        model["settled"] = (settlement, paid_now, from_advance, left - paid_now)
        if from_advance:
            event("closed using an advance")
        if to_cashbox and rest >= 0:
            # Paid in full, part before, part from the advance and the rest now: the order
            # leaves the balance as it found it, less the advance it used.
            event("closed into a cashbox")
            stored = Client.objects.get(pk=model["client"]).balance
            assert stored == before + from_advance, "closing into a cashbox moved the balance"

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def reopen(self, data):
        pk = self.pick(data, self.orders, "order")
        model = self.orders[pk]

        def operation():
            return order_reopen(actor=self.actor, order=Order.objects.get(pk=pk), comment="Back")

        if model["group"] != Group.CLOSED:
            self.refused(OrderError, operation)
            return
        operation()
        event("reopened")
        model["group"] = Group.IN_PROGRESS
        model["settled"] = ("", ZERO, ZERO, ZERO)
        self.balance[model["client"]] -= model["total"]

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data):
        pk = self.pick(data, self.orders, "order", lambda o: o["group"] != Group.CANCELLED)
        if pk is None:
            return
        model = self.orders[pk]

        def operation():
            return order_status_set(
                actor=self.actor,
                order=Order.objects.get(pk=pk),
                status=first_status(Group.CANCELLED),
            )

        if model["group"] == Group.CLOSED or model["paid"] > 0:
            self.refused(OrderError, operation)
            return
        operation()
        event("cancelled")
        model["group"] = Group.CANCELLED

    # --- sales ----------------------------------------------------------------------------

    @rule(client=who, drawn=lines, paid_now=st.booleans(), cashbox=where)
    def sell(self, client, drawn, paid_now, cashbox):
        buyer, box = self.clients[client], self.cashboxes[cashbox]
        settlement = "cashbox" if paid_now else "balance"
        total = total_of(drawn)

        def operation():
            return sale_create(
                actor=self.actor,
                client=buyer,
                items=text_lines(drawn),
                settlement=settlement,
                cashbox=box,
            )

        if total <= 0:
            self.refused(SaleError, operation)
            return
        before = Client.objects.get(pk=buyer.pk).balance
        sale = operation()
        assert sale.total == total
        self.sales[sale.pk] = {
            "client": buyer.pk,
            "total": total,
            "paid": ZERO,
            "returned": ZERO,
            "refunded": ZERO,
        }
        self.balance[buyer.pk] += total
        if paid_now:
            self.sales[sale.pk]["paid"] = total
            self.money_in(buyer.pk, box.pk, total)
            assert Client.objects.get(pk=buyer.pk).balance == before, "a paid sale moved it"

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), cashbox=where, amount=amounts)
    def pay_sale(self, data, cashbox, amount):
        pk = self.pick(data, self.sales, "sale")
        model, sale = self.sales[pk], Sale.objects.get(pk=pk)
        ref = DocumentRef("sale", pk, sale.number, model["client"])

        def operation():
            document_pay(
                actor=self.actor,
                client=sale.client,
                cashbox=self.cashboxes[cashbox],
                amount=amount,
                document=ref,
            )

        # A sale is paid at most its total less what returns credited.
        if amount > model["total"] - model["returned"] - model["paid"]:
            self.refused(SaleError, operation)
            return
        operation()
        model["paid"] += amount
        self.money_in(model["client"], self.cashboxes[cashbox].pk, amount)

    @precondition(lambda self: any(s["returned"] < s["total"] for s in self.sales.values()))
    @rule(
        data=st.data(),
        whole=st.booleans(),
        refund=st.sampled_from(["none", "credited", "some", "too much"]),
        cashbox=where,
    )
    def give_back(self, data, whole, refund, cashbox):
        pk = self.pick(data, self.sales, "sale", lambda s: s["returned"] < s["total"])
        if pk is None:
            return
        model, box = self.sales[pk], self.cashboxes[cashbox]
        items = [
            i
            for i in SaleItem.objects.filter(sale_id=pk).order_by("pk")
            if i.returnable_quantity > 0
        ]
        if whole:
            chosen = None
            taken = [(item, item.returnable_quantity) for item in items]
        else:
            item = data.draw(st.sampled_from(items), label="line")
            units = int(item.returnable_quantity * 1000)
            quantity = Decimal(data.draw(st.integers(1, units), label="units")) / 1000
            chosen = {item.pk: quantity}
            taken = [(item, quantity)]
        credit = sum((self.worth(item, quantity) for item, quantity in taken), ZERO)

        refund_amount, with_cashbox = None, refund != "none"
        if refund == "some" and credit > CENT:
            refund_amount = data.draw(
                st.decimals(min_value=CENT, max_value=credit, places=2), label="refund"
            )
        elif refund == "too much":
            refund_amount = credit + CENT
        money_back = (
            (refund_amount if refund_amount is not None else credit) if with_cashbox else ZERO
        )

        def operation():
            return sale_return(
                actor=self.actor,
                sale=Sale.objects.get(pk=pk),
                lines=chosen,
                cashbox=box if with_cashbox else None,
                refund=refund_amount,
                reason="Returned",
            )

        if credit <= 0 or money_back > credit:
            self.refused(SaleError, operation)
            return
        if with_cashbox and money_back > model["paid"] - model["refunded"]:
            self.refused(SaleError, operation)
            return
        if with_cashbox and box.kind == Cashbox.Kind.CASH and self.cash[box.pk] < money_back:
            self.refused(MoneyError, operation)
            return
        record = operation()
        event("returned" + (" with money back" if money_back else ""))
        assert (record.amount, record.refunded) == (credit, money_back)
        model["returned"] += credit
        model["refunded"] += money_back
        self.balance[model["client"]] += money_back - credit
        if money_back:
            self.cash[box.pk] -= money_back

    @staticmethod
    def worth(item: SaleItem, quantity: Decimal) -> Decimal:
        """What the model expects ``quantity`` of the line to credit: its share of the line's
        total, the last units taking exactly what is left."""
        left = item.total - item.returned_amount
        if quantity == item.returnable_quantity:
            return left
        return min(quantize(item.total * quantity / item.quantity), left)

    # --- estimates ------------------------------------------------------------------------

    @rule(client=who, drawn=lines, convert=st.booleans())
    def estimate(self, client, drawn, convert):
        buyer = self.clients[client]
        before = Client.objects.get(pk=buyer.pk).balance
        estimate = estimate_create(actor=self.actor, client=buyer, items=text_lines(drawn))
        assert estimate.total == total_of(drawn)
        if convert:
            order = estimate_convert(actor=self.actor, estimate=estimate)
            assert order.total == estimate.total
            self.new_order(order, buyer.pk, len(drawn))
            self.refused(
                EstimateError, lambda: estimate_convert(actor=self.actor, estimate=estimate)
            )
        assert Client.objects.get(pk=buyer.pk).balance == before, "an estimate moved the balance"

    # --- the balance itself: advances, corrections, reversals ----------------------------

    @rule(client=who, cashbox=where, amount=amounts)
    def advance(self, client, cashbox, amount):
        advance_accept(
            actor=self.actor,
            client=self.clients[client],
            cashbox=self.cashboxes[cashbox],
            amount=amount,
        )
        self.money_in(self.clients[client].pk, self.cashboxes[cashbox].pk, amount)

    @rule(client=who, amount=amounts, up=st.booleans())
    def correction(self, client, amount, up):
        signed = amount if up else -amount
        balance_correct(actor=self.actor, client=self.clients[client], amount=signed, reason="Fix")
        self.balance[self.clients[client].pk] += signed

    @precondition(lambda self: self.orders or self.sales)
    @rule(data=st.data())
    def reverse_any_entry(self, data):
        """Reverse any entry from the Balance tab: a document's are refused (the message
        names the document), the balance's own are reversed once."""
        rows = LedgerEntry.objects.filter(client__in=self.clients)
        if data.draw(st.booleans(), label="a document's entry"):
            rows = rows.exclude(source_type="")  # most of them: try those more often
        pks = sorted(rows.values_list("pk", flat=True))
        if not pks:
            return
        entry = LedgerEntry.objects.select_related("payment__cashbox").get(
            pk=data.draw(st.sampled_from(pks), label="entry")
        )

        def operation():
            return entry_reverse(actor=self.actor, entry=entry, reason="Undo")

        if entry.source_type:
            refusal = self.refused(MoneyError, operation)
            assert entry.source_number in refusal.messages[0]
            event(f"refused to reverse a {entry.kind} of a {entry.source_type}")
            return
        payment = entry.payment
        till_short = (
            payment is not None
            and payment.direction == Payment.Direction.INCOME
            and payment.cashbox.kind == Cashbox.Kind.CASH
            and self.cash[payment.cashbox_id] < payment.amount
        )
        if entry.kind == LedgerEntry.Kind.REVERSAL or entry.pk in self.reversed or till_short:
            self.refused(MoneyError, operation)
            return
        operation()
        event(f"reversed a {entry.kind}")
        self.reversed.add(entry.pk)
        self.balance[entry.client_id] -= entry.amount
        if payment is not None:
            self.cash[payment.cashbox_id] -= payment.signed_amount

    # --- invariants -----------------------------------------------------------------------

    def teardown(self):
        # Once per sequence: the command reads every balance in the database.
        err = StringIO()
        call_command("check_ledger", stdout=StringIO(), stderr=err)
        assert err.getvalue() == ""

    @invariant()
    def balances_are_the_sums_of_their_rows(self):
        stored = dict(Client.objects.filter(pk__in=self.balance).values_list("pk", "balance"))
        assert stored == self.balance
        entries = (
            LedgerEntry.objects.filter(client__in=self.clients)
            .values("client")
            .annotate(s=Sum("amount"))
            .values_list("client", "s")
        )
        summed = dict.fromkeys(self.balance, ZERO) | {pk: quantize(s) for pk, s in entries}
        assert summed == self.balance

        boxes = dict(Cashbox.objects.filter(pk__in=self.cash).values_list("pk", "balance"))
        assert boxes == self.cash
        summed = dict.fromkeys(self.cash, ZERO)
        payments = (
            Payment.objects.filter(cashbox__in=self.cashboxes)
            .values("cashbox", "direction")
            .annotate(s=Sum("amount"))
            .values_list("cashbox", "direction", "s")
        )
        for pk, direction, amount in payments:
            summed[pk] += quantize(amount if direction == Payment.Direction.INCOME else -amount)
        assert summed == self.cash
        assert boxes[self.cashboxes[0].pk] >= 0, "the cash till went below zero"

    @invariant()
    def each_document_owes_what_it_says(self):
        # What each document's own entries add up to; a reversal counts for the document
        # whose entry it reverses.
        owed: dict[tuple[str, int], Decimal] = {}
        entries = LedgerEntry.objects.filter(client__in=self.clients).values_list(
            "source_type", "source_id", "reverses__source_type", "reverses__source_id", "amount"
        )
        for source_type, source_id, reversed_type, reversed_id, amount in entries:
            key = (source_type or reversed_type, source_id or reversed_id)
            owed[key] = owed.get(key, ZERO) + amount

        orders = Order.objects.filter(pk__in=self.orders).values_list(
            "pk", "total", "paid", "status__group"
        )
        for pk, total, paid, group in orders:
            model = self.orders[pk]
            assert (total, paid, group) == (model["total"], model["paid"], model["group"])
            charged = total if group == Group.CLOSED else ZERO
            assert owed.get(("order", pk), ZERO) == charged - paid
        sales = Sale.objects.filter(pk__in=self.sales).values_list(
            "pk", "total", "paid", "returned"
        )
        for pk, total, paid, returned in sales:
            model = self.sales[pk]
            assert (total, paid, returned) == (model["total"], model["paid"], model["returned"])
            assert owed.get(("sale", pk), ZERO) == total - returned - paid + model["refunded"]

    @invariant()
    def documents_show_what_the_ledger_says(self):
        """Closed and charged, paid, and how it was settled: as the ledger's rows say."""
        entries = LedgerEntry.objects.filter(client__in=self.clients, reversed_by__isnull=True)
        payments = Payment.objects.filter(client__in=self.clients).exclude(document_type="")
        for order in Order.objects.filter(pk__in=self.orders).select_related("status"):
            model = self.orders[order.pk]
            closed = order.status.group == Group.CLOSED
            charges = entries.filter(
                source_type="order", source_id=order.pk, kind=LedgerEntry.Kind.ORDER_CHARGE
            )
            charged = sum((e.amount for e in charges), ZERO)
            assert charged == (order.total if closed else ZERO), "shown closed ≠ charged"
            mine = payments.filter(document_type="order", document_id=order.pk).order_by("pk")
            assert order.paid == sum((p.signed_amount for p in mine), ZERO)
            settled = (
                order.settlement,
                order.paid_at_closing,
                order.covered_by_advance,
                order.charged_to_balance,
            )
            assert settled == model["settled"]
            if not closed:
                assert settled == ("", ZERO, ZERO, ZERO)
                continue
            paid_before = order.paid - order.paid_at_closing
            due = max(order.total - paid_before, ZERO)
            assert (
                order.paid_at_closing + order.covered_by_advance + order.charged_to_balance == due
            )
            if order.paid_at_closing:
                # The money taken at closing is the order's newest payment.
                assert mine.last().amount == order.paid_at_closing
        for sale in Sale.objects.filter(pk__in=self.sales):
            charges = entries.filter(
                source_type="sale", source_id=sale.pk, kind=LedgerEntry.Kind.SALE_CHARGE
            )
            assert sum((e.amount for e in charges), ZERO) == sale.total
            mine = payments.filter(document_type="sale", document_id=sale.pk)
            incoming = [p.amount for p in mine if p.direction == Payment.Direction.INCOME]
            outgoing = [p.amount for p in mine if p.direction == Payment.Direction.EXPENSE]
            assert sale.paid == sum(incoming, ZERO)
            assert sum(outgoing, ZERO) == self.sales[sale.pk]["refunded"]
            credits = entries.filter(
                source_type="sale", source_id=sale.pk, kind=LedgerEntry.Kind.GOODS_RETURN
            )
            assert sale.returned == -sum((e.amount for e in credits), ZERO)
            if sale.settlement == Sale.Settlement.CASHBOX:
                assert sale.paid >= sale.total, "a sale paid now shows less than its total paid"


@pytest.mark.django_db
def test_any_sequence_of_document_operations_keeps_the_books_right():
    DocumentsMachine.actor = EmployeeFactory(role_code="manager")
    run_state_machine_as_test(
        DocumentsMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
