"""The Balance and Payments tabs and the cashbox pages, as an employee uses them."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test.html import Element, parse_html

from accounts.models import Role
from clients.tests.factories import ClientFactory
from ledger import services
from ledger.models import Cashbox, LedgerEntry, Payment

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- reading pages --------------------------------------------------------------------------


def _walk(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def _attrs(element: Element) -> dict:
    return dict(element.attributes)


def _classes(element: Element) -> list[str]:
    return (_attrs(element).get("class") or "").split()


def _text(node) -> str:
    if isinstance(node, str):
        return " ".join(node.replace("\xa0", " ").split())
    return " ".join(" ".join(_text(child) for child in node.children).split())


def dom(response) -> Element:
    return parse_html(response.content.decode())


def find_all(root: Element, *, name=None, cls=None, **attrs) -> list[Element]:
    """Elements by tag, class and attributes (``name_="x"`` for the name attribute)."""
    found = []
    for element in _walk(root):
        if name and element.name != name:
            continue
        if cls and cls not in _classes(element):
            continue
        values = _attrs(element)
        if any(values.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
            continue
        found.append(element)
    return found


def find(root: Element, **query) -> Element:
    found = find_all(root, **query)
    assert found, f"nothing matches {query!r} on the page"
    return found[0]


def summary(response) -> dict:
    """The balance block at the top of the Balance and Payments tabs."""
    block = find(dom(response), cls="balance-summary")
    return {
        "classes": _classes(block),
        "state": _attrs(block)["data-balance-state"],
        "amount": _text(find(block, cls="balance-amount")),
        "note": _text(find(block, cls="balance-note")),
    }


def table_rows(root: Element, table_class: str = "list") -> list[list[str]]:
    """The text of each body cell, row by row (the empty-list row included)."""
    table = find(root, name="table", cls=table_class)
    body = find(table, name="tbody")
    rows = [r for r in body.children if isinstance(r, Element) and r.name == "tr"]
    return [[_text(c) for c in r.children if isinstance(c, Element)] for r in rows]


def table_headers(root: Element) -> list[str]:
    return [_text(th) for th in find_all(find(root, name="thead"), name="th")]


def ledger_rows(response) -> list[list[str]]:
    """Balance tab rows: date, kind, amount, balance after, comment, author, source[, action]."""
    return table_rows(dom(response), "ledger")


def field_errors(root: Element, html_name: str) -> list[str]:
    block = find(root, id=f"field-{html_name}")
    return [_text(p) for p in find_all(block, name="p", cls="error")]


def dialog(response, dialog_id: str) -> Element:
    return find(dom(response), name="dialog", id=dialog_id)


def is_open(element: Element) -> bool:
    return "data-open" in _attrs(element)


def button_labels(response) -> list[str]:
    return [_text(b) for b in find_all(dom(response), name="button")]


def tab_counts(root: Element) -> dict[str, int | None]:
    """Tab label -> the number in its badge, from the profile's tab strip."""
    strip = find(root, id="profile-tabs")
    counts = {}
    for link in find_all(strip, name="a"):
        badge = find_all(link, cls="badge-count")
        label = " ".join(_text(c) for c in link.children if isinstance(c, str)).strip()
        counts[label] = int(_text(badge[0])) if badge else None
    return counts


def messages_shown(response) -> list[str]:
    return [_text(m) for m in find_all(dom(response), cls="message")]


# --- data -----------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def carla():
    return ClientFactory(first_name="Carla", last_name="Dias")


@pytest.fixture
def till(admin):
    """A cash till holding R$1,000.00."""
    box = Cashbox.objects.create(title="Front till", kind=Cashbox.Kind.CASH)
    services.cash_move(
        actor=admin,
        cashbox=box,
        direction=Payment.Direction.INCOME,
        amount=Decimal("1000"),
        category=Payment.Category.OTHER_INCOME,
        note="Float",
    )
    box.refresh_from_db()
    return box


@pytest.fixture
def bank():
    return Cashbox.objects.create(title="Bank account", kind=Cashbox.Kind.CASHLESS)


@pytest.fixture
def cashier(make_employee):
    """A custom role that sees balances and takes advances, but may not correct or refund."""
    role = Role.objects.create(
        name="Cashier",
        permissions=["clients.view", "ledger.view_balance", "ledger.accept_advance"],
    )
    return make_employee("manager", login="cashier", role=role)


def correct(client, amount, reason="Opening balance", *, actor):
    return services.balance_correct(
        actor=actor, client=client, amount=Decimal(str(amount)), reason=reason
    )


def advance(client, cashbox, amount, note="", *, actor):
    return services.advance_accept(
        actor=actor, client=client, cashbox=cashbox, amount=Decimal(str(amount)), note=note
    )


def refund(client, cashbox, amount, note="", *, actor):
    return services.refund_pay(
        actor=actor, client=client, cashbox=cashbox, amount=Decimal(str(amount)), note=note
    )


def balance_of(client) -> Decimal:
    client.refresh_from_db()
    return client.balance


# --- sign-in is required for every page and action ------------------------------------------

GET_PAGES = [
    "/clients/{client}/balance/",
    "/clients/{client}/payments/",
    "/cashboxes/",
    "/cashboxes/new/",
    "/cashboxes/{cashbox}/",
    "/cashboxes/{cashbox}/edit/",
]
POST_ACTIONS = [
    ("/clients/{client}/balance/correction/", {"amount": "50", "reason": "x"}),
    ("/clients/{client}/balance/{entry}/reverse/", {"reason": "x"}),
    ("/clients/{client}/payments/advance/", {"advance-amount": "50", "advance-cashbox": "{cb}"}),
    ("/clients/{client}/payments/refund/", {"refund-amount": "5", "refund-cashbox": "{cb}"}),
    ("/cashboxes/new/", {"title": "Sneaky", "kind": "cash", "active": "on"}),
    ("/cashboxes/{cashbox}/edit/", {"title": "Sneaky", "kind": "cash", "active": "on"}),
]


@pytest.mark.parametrize("template", GET_PAGES)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, carla, till, template):
    response = client.get(template.format(client=carla.pk, cashbox=till.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "Front till" not in response.content.decode()


@pytest.mark.parametrize(("template", "data"), POST_ACTIONS)
def test_anonymous_posts_change_nothing(client, carla, till, manager, template, data):
    entry = advance(carla, till, 20, actor=manager)
    path = template.format(client=carla.pk, entry=entry.ledger_entry.pk, cashbox=till.pk)
    data = {k: v.format(cb=till.pk) for k, v in data.items()}
    entries, payments = LedgerEntry.objects.count(), Payment.objects.count()
    response = client.post(path, data, **HTMX)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert (LedgerEntry.objects.count(), Payment.objects.count()) == (entries, payments)
    assert balance_of(carla) == Decimal("-20")
    assert list(Cashbox.objects.values_list("title", flat=True)) == ["Front till"]


# --- Balance tab: the state ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "css", "state", "note", "amount"),
    [
        (40, "balance-receivable", "owes_us", "The client owes us", "R$40.00"),
        (0, "balance-settled", "settled", "You're settled", "R$0.00"),
        (-150, "balance-payable", "we_owe", "We owe the client", "-R$150.00"),
    ],
)
def test_balance_tab_shows_the_state_in_its_colour(
    signed_in, carla, till, manager, move, css, state, note, amount
):
    if move > 0:
        correct(carla, move, actor=manager)
    elif move < 0:
        advance(carla, till, -move, actor=manager)
    response = signed_in.get(f"/clients/{carla.pk}/balance/")
    assert response.status_code == 200
    shown = summary(response)
    assert css in shown["classes"]
    assert shown["state"] == state
    assert shown["note"] == note
    assert shown["amount"] == amount
    # The header of the profile agrees (same colour class, same amount).
    header = find(dom(response), cls="header-balance")
    assert css in _classes(header)
    assert _text(header) == f"Balance: {amount}"


@pytest.mark.parametrize("how", ["accept-language", "cookie"])
@pytest.mark.parametrize(
    ("move", "css", "note", "amount"),
    [
        (40, "balance-receivable", "O cliente nos deve", "R$ 40,00"),
        (0, "balance-settled", "Você está resolvido", "R$ 0,00"),
        (-1234.5, "balance-payable", "Devemos ao cliente", "-R$ 1.234,50"),
    ],
)
def test_balance_tab_in_portuguese(signed_in, carla, till, manager, how, move, css, note, amount):
    if move > 0:
        correct(carla, move, actor=manager)
    elif move < 0:
        advance(carla, till, -move, actor=manager)
    headers = {}
    if how == "cookie":
        signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    else:
        headers["HTTP_ACCEPT_LANGUAGE"] = "pt-br"
    for extra in ({}, HTMX):
        response = signed_in.get(f"/clients/{carla.pk}/balance/", **headers, **extra)
        shown = summary(response)
        assert css in shown["classes"]
        assert (shown["note"], shown["amount"]) == (note, amount)


# --- Balance tab: the list -------------------------------------------------------------------


def test_entries_are_listed_newest_first_with_every_column(signed_in, carla, till, manager):
    paid_in = advance(carla, till, 100, "Deposit for brakes", actor=manager)
    correction = correct(carla, 30, "Forgot the labour", actor=manager)
    paid_out = refund(carla, till, 50, "Change back", actor=manager)
    response = signed_in.get(f"/clients/{carla.pk}/balance/")
    assert table_headers(dom(response))[:7] == [
        "Date and time",
        "Kind",
        "Amount",
        "Balance after",
        "Comment",
        "Author",
        "Source",
    ]
    rows = ledger_rows(response)
    name = manager.full_name
    assert [r[1:7] for r in rows] == [
        ["Refund", "+R$50.00", "-R$20.00", "Change back", name, f"Payment #{paid_out.pk}"],
        ["Correction", "+R$30.00", "-R$70.00", "Forgot the labour", name, "Correction"],
        ["Advance", "-R$100.00", "-R$100.00", "Deposit for brakes", name, f"Payment #{paid_in.pk}"],
    ]
    assert all(r[0] for r in rows)  # date and time shown
    # Each row links to its cause; a payment's to the Payments tab.
    body = find(find(dom(response), name="table", cls="ledger"), name="tbody")
    links = [_attrs(a)["href"] for a in find_all(body, name="a")]
    assert f"/clients/{carla.pk}/payments/" in links
    assert find(body, id=f"entry-{correction.pk}")


def test_a_client_without_entries_says_so(signed_in, carla):
    response = signed_in.get(f"/clients/{carla.pk}/balance/")
    assert ledger_rows(response) == [["No transactions yet."]]
    assert summary(response)["note"] == "You're settled"


def test_entries_are_paginated_25_a_page(signed_in, carla, manager):
    for amount in range(1, 31):
        correct(carla, amount, f"step {amount}", actor=manager)
    first = signed_in.get(f"/clients/{carla.pk}/balance/")
    rows = ledger_rows(first)
    assert len(rows) == 25
    assert [r[4] for r in rows[:2]] == ["step 30", "step 29"]
    assert "Page 1 of 2" in first.content.decode()
    second = signed_in.get(f"/clients/{carla.pk}/balance/", {"page": 2}, **HTMX)
    assert "<html" not in second.content.decode()
    assert [r[4] for r in ledger_rows(second)] == [f"step {n}" for n in range(5, 0, -1)]
    assert "Page 2 of 2" in second.content.decode()
    # The total stays at the top whichever page is open.
    assert summary(second)["amount"] == "R$465.00"


def test_manager_sees_correction_reverse_and_export(signed_in, carla, manager):
    correct(carla, 10, actor=manager)
    response = signed_in.get(f"/clients/{carla.pk}/balance/")
    buttons = button_labels(response)
    assert "+ Correction" in buttons
    assert "Reverse" in buttons
    export = find(dom(response), name="a", href=f"/api/v1/clients/{carla.pk}/ledger.xlsx")
    assert _text(export) == "Export"


def test_a_role_without_adjust_balances_sees_no_correction_or_reverse(client, carla, cashier):
    correct(carla, 10, actor=cashier)
    client.force_login(cashier)
    response = client.get(f"/clients/{carla.pk}/balance/")
    assert response.status_code == 200
    assert summary(response)["amount"] == "R$10.00"
    buttons = button_labels(response)
    assert "+ Correction" not in buttons
    assert "Reverse" not in buttons
    assert not find_all(dom(response), name="dialog", id="correction-dialog")


def test_specialist_has_no_balance_or_payments_tab(client, carla, specialist):
    client.force_login(specialist)
    profile = client.get(f"/clients/{carla.pk}/")
    assert profile.status_code == 200
    labels = tab_counts(dom(profile))
    assert "Balance" not in labels
    assert "Payments" not in labels
    assert client.get(f"/clients/{carla.pk}/balance/").status_code == 404
    assert client.get(f"/clients/{carla.pk}/payments/").status_code == 404


# --- "+ Correction" --------------------------------------------------------------------------


def test_correction_by_htmx_refreshes_tab_header_and_counts(signed_in, carla, manager):
    response = signed_in.post(
        f"/clients/{carla.pk}/balance/correction/",
        {"amount": "40", "reason": "Labour not charged"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    shown = summary(response)
    assert "balance-receivable" in shown["classes"]
    assert (shown["note"], shown["amount"]) == ("The client owes us", "R$40.00")
    assert [r[1:6] for r in ledger_rows(response)] == [
        ["Correction", "+R$40.00", "R$40.00", "Labour not charged", manager.full_name]
    ]
    assert not is_open(dialog(response, "correction-dialog"))
    # Out of band: the header's balance and the tab strip's counts.
    root = dom(response)
    header = find(root, id="profile-head")
    assert _attrs(header).get("hx-swap-oob") == "true"
    balance = find(header, cls="header-balance")
    assert "balance-receivable" in _classes(balance)
    assert _text(balance) == "Balance: R$40.00"
    assert _attrs(find(root, id="profile-tabs")).get("hx-swap-oob") == "true"
    counts = tab_counts(root)
    assert (counts["Balance"], counts["Payments"]) == (1, 0)
    # Written once, by the manager, with the reason.
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.comment, entry.author) == (
        "correction",
        Decimal("40.00"),
        "Labour not charged",
        manager,
    )
    assert balance_of(carla) == Decimal("40.00")


def test_a_negative_correction_means_we_owe_the_client(signed_in, carla):
    response = signed_in.post(
        f"/clients/{carla.pk}/balance/correction/",
        {"amount": "-25.50", "reason": "Discount promised"},
        **HTMX,
    )
    shown = summary(response)
    assert "balance-payable" in shown["classes"]
    assert (shown["note"], shown["amount"]) == ("We owe the client", "-R$25.50")
    assert balance_of(carla) == Decimal("-25.50")


def test_correction_without_htmx_redirects_back_to_the_tab(signed_in, carla):
    response = signed_in.post(
        f"/clients/{carla.pk}/balance/correction/", {"amount": "12", "reason": "Old debt"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{carla.pk}/balance/"
    page = signed_in.get(response["Location"])
    assert "Correction saved." in messages_shown(page)
    assert summary(page)["amount"] == "R$12.00"


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"amount": "40", "reason": ""}, "reason", "This field is required."),
        ({"amount": "40", "reason": "   "}, "reason", "This field is required."),
        ({"amount": "40"}, "reason", "This field is required."),
        ({"amount": "", "reason": "Why"}, "amount", "This field is required."),
        ({"amount": "abc", "reason": "Why"}, "amount", "Enter a number, such as 150.75."),
        ({"amount": "0", "reason": "Why"}, "amount", "Enter an amount other than zero."),
        (
            {"amount": "1.005", "reason": "Why"},
            "amount",
            "Ensure that there are no more than 2 decimal places.",
        ),
        ({"amount": "40", "reason": "x" * 501}, "reason", None),
    ],
)
def test_a_bad_correction_reopens_the_dialog_with_the_error(signed_in, carla, data, field, error):
    response = signed_in.post(f"/clients/{carla.pk}/balance/correction/", data, **HTMX)
    assert response.status_code == 200
    box = dialog(response, "correction-dialog")
    assert is_open(box)
    errors = field_errors(box, field)
    if error is None:
        assert len(errors) == 1
    else:
        assert errors == [error]
    assert not LedgerEntry.objects.exists()
    assert balance_of(carla) == 0
    assert summary(response)["note"] == "You're settled"


def test_bad_correction_keeps_what_was_typed(signed_in, carla):
    response = signed_in.post(
        f"/clients/{carla.pk}/balance/correction/", {"amount": "77.70", "reason": ""}, **HTMX
    )
    amount = find(dialog(response, "correction-dialog"), name="input", name_="amount")
    assert _attrs(amount)["value"] == "77.70"


def test_specialist_cannot_correct_a_balance(client, carla, specialist):
    client.force_login(specialist)
    response = client.post(
        f"/clients/{carla.pk}/balance/correction/", {"amount": "1000", "reason": "gift"}, **HTMX
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()
    assert balance_of(carla) == 0


def test_a_role_without_adjust_balances_cannot_correct(client, carla, cashier):
    client.force_login(cashier)
    response = client.post(
        f"/clients/{carla.pk}/balance/correction/", {"amount": "5", "reason": "gift"}, **HTMX
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_correcting_an_unknown_client_is_404(signed_in):
    response = signed_in.post(
        "/clients/999999/balance/correction/", {"amount": "5", "reason": "x"}, **HTMX
    )
    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()


# --- Reverse ---------------------------------------------------------------------------------


def reverse_entry(http, client, entry, reason="Typed the wrong amount", **extra):
    headers = {**HTMX, "HTTP_HX_PROMPT": reason} if reason is not None else dict(HTMX)
    headers.update(extra)
    return http.post(f"/clients/{client.pk}/balance/{entry.pk}/reverse/", **headers)


def test_reverse_with_the_prompted_reason(signed_in, carla, manager):
    wrong = correct(carla, 40, "Typo", actor=manager)
    response = reverse_entry(signed_in, carla, wrong, "Typed the wrong amount")
    assert response.status_code == 200
    shown = summary(response)
    assert (shown["note"], shown["amount"]) == ("You're settled", "R$0.00")
    rows = ledger_rows(response)
    assert [r[1:7] for r in rows] == [
        [
            "Reversal",
            "-R$40.00",
            "R$0.00",
            "Typed the wrong amount",
            manager.full_name,
            f"Reversal of #{wrong.pk}",
        ],
        ["Correction", "+R$40.00", "R$40.00", "Typo", manager.full_name, "Correction"],
    ]
    # Neither row can be reversed again; the original says it was.
    assert rows[1][7] == "reversed"
    assert "Reverse" not in button_labels(response)
    reversal = LedgerEntry.objects.get(kind="reversal")
    assert (reversal.reverses, reversal.comment, reversal.amount) == (
        wrong,
        "Typed the wrong amount",
        Decimal("-40.00"),
    )
    assert balance_of(carla) == 0
    assert tab_counts(dom(response))["Balance"] == 2
    header = find(dom(response), id="profile-head")
    assert _text(find(header, cls="header-balance")) == "Balance: R$0.00"


def test_a_prompted_reason_htmx_had_to_encode_is_kept_as_typed(signed_in, carla, manager):
    """htmx URI-encodes a prompt a header cannot carry as is (an em dash, say)."""
    wrong = correct(carla, 40, actor=manager)
    reason = "Lançamento em dobro — erro"
    response = reverse_entry(
        signed_in,
        carla,
        wrong,
        quote(reason),
        HTTP_HX_PROMPT_URI_AUTOENCODED="true",
    )
    assert response.status_code == 200
    assert ledger_rows(response)[0][4] == reason
    assert LedgerEntry.objects.get(kind="reversal").comment == reason


def test_reversing_an_advance_takes_the_money_back_out_of_the_cashbox(
    signed_in, carla, till, manager
):
    paid = advance(carla, till, 150, actor=manager)
    response = reverse_entry(signed_in, carla, paid.ledger_entry, "Card declined")
    assert summary(response)["note"] == "You're settled"
    till.refresh_from_db()
    assert till.balance == Decimal("1000.00")
    assert Payment.objects.filter(client=carla).count() == 2
    payments = signed_in.get(f"/clients/{carla.pk}/payments/")
    assert [r[1:4] for r in table_rows(dom(payments))] == [
        ["Card declined", "Front till", "-R$150.00"],
        ["Advance", "Front till", "+R$150.00"],
    ]


def test_reversing_twice_shows_an_error_and_writes_nothing(signed_in, carla, manager):
    wrong = correct(carla, 40, actor=manager)
    reverse_entry(signed_in, carla, wrong, "first")
    # A second tab still shows the Reverse button.
    response = reverse_entry(signed_in, carla, wrong, "second")
    assert response.status_code == 200
    errors = find_all(dom(response), cls="message-error")
    assert [_text(e) for e in errors] == ["This entry has already been reversed."]
    assert LedgerEntry.objects.count() == 2
    assert balance_of(carla) == 0
    assert summary(response)["note"] == "You're settled"


def test_reversing_twice_without_htmx_shows_the_error_on_the_tab(signed_in, carla, manager):
    wrong = correct(carla, 40, actor=manager)
    services.entry_reverse(actor=manager, entry=wrong, reason="first")
    response = signed_in.post(
        f"/clients/{carla.pk}/balance/{wrong.pk}/reverse/", {"reason": "again"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/clients/{carla.pk}/balance/"
    assert "This entry has already been reversed." in messages_shown(response)
    assert LedgerEntry.objects.count() == 2


def test_a_reversal_cannot_be_reversed(signed_in, carla, manager):
    wrong = correct(carla, 40, actor=manager)
    reversal = services.entry_reverse(actor=manager, entry=wrong, reason="first")
    response = reverse_entry(signed_in, carla, reversal, "undo the undo")
    errors = [_text(e) for e in find_all(dom(response), cls="message-error")]
    assert errors == ["A reversal cannot be reversed; make a correction instead."]
    assert LedgerEntry.objects.count() == 2
    assert balance_of(carla) == 0


def test_reversing_without_a_reason_is_refused(signed_in, carla, manager):
    entry = correct(carla, 40, actor=manager)
    response = reverse_entry(signed_in, carla, entry, "   ")
    errors = [_text(e) for e in find_all(dom(response), cls="message-error")]
    assert errors == ["This field is required."]
    assert LedgerEntry.objects.count() == 1
    assert balance_of(carla) == Decimal("40.00")


def test_reversing_an_advance_the_cash_till_no_longer_holds_is_refused(signed_in, carla, manager):
    drawer = Cashbox.objects.create(title="Small drawer", kind=Cashbox.Kind.CASH)
    paid = advance(carla, drawer, 100, actor=manager)
    services.cash_move(
        actor=manager,
        cashbox=drawer,
        direction=Payment.Direction.EXPENSE,
        amount=Decimal("80"),
        category=Payment.Category.OTHER_EXPENSE,
    )
    response = reverse_entry(signed_in, carla, paid.ledger_entry, "Card declined")
    errors = [_text(e) for e in find_all(dom(response), cls="message-error")]
    assert errors == ["The cashbox “Small drawer” holds only R$20.00."]
    drawer.refresh_from_db()
    assert drawer.balance == Decimal("20.00")
    assert LedgerEntry.objects.count() == 1
    assert balance_of(carla) == Decimal("-100.00")


def test_an_entry_of_another_client_cannot_be_reversed_through_this_one(signed_in, carla, manager):
    other = ClientFactory(first_name="Otto")
    entry = correct(other, 40, actor=manager)
    response = reverse_entry(signed_in, carla, entry)
    assert response.status_code == 404
    assert LedgerEntry.objects.count() == 1


def test_specialist_cannot_reverse(client, carla, manager, specialist):
    entry = correct(carla, 40, actor=manager)
    client.force_login(specialist)
    response = reverse_entry(client, carla, entry)
    assert response.status_code == 403
    assert LedgerEntry.objects.count() == 1
    assert balance_of(carla) == Decimal("40.00")


# --- Payments tab ----------------------------------------------------------------------------


def test_payments_tab_lists_payments_with_their_columns(signed_in, carla, till, bank, manager):
    advance(carla, till, 150, "Deposit for brakes", actor=manager)
    services.document_payment_record(
        actor=manager,
        client=carla,
        cashbox=bank,
        amount=Decimal("80"),
        document=services.DocumentRef(type="order", id=7, number="OS-0007"),
    )
    refund(carla, till, 50, actor=manager)
    response = signed_in.get(f"/clients/{carla.pk}/payments/")
    assert response.status_code == 200
    root = dom(response)
    assert table_headers(root) == [
        "Date and time",
        "Note",
        "Cashbox",
        "Amount",
        "Order or sale",
        "Employee",
    ]
    rows = table_rows(root)
    name = manager.full_name
    assert [r[1:] for r in rows] == [
        ["Refund to client", "Front till", "-R$50.00", "", name],
        ["Payment for order", "Bank account", "+R$80.00", "OS-0007", name],
        ["Deposit for brakes", "Front till", "+R$150.00", "", name],
    ]
    assert all(r[0] for r in rows)
    shown = summary(response)
    assert (shown["note"], shown["amount"]) == ("We owe the client", "-R$180.00")


def test_payments_tab_offers_advance_and_payment_to_a_manager(signed_in, carla, till, bank):
    inactive = Cashbox.objects.create(title="Old till", active=False)
    response = signed_in.get(f"/clients/{carla.pk}/payments/")
    buttons = button_labels(response)
    assert "+ Advance" in buttons
    assert "- Payment" in buttons
    for which in ("advance", "refund"):
        box = dialog(response, f"{which}-dialog")
        assert not is_open(box)
        select = find(box, name="select", name_=f"{which}-cashbox")
        offered = [_text(o) for o in find_all(select, name="option") if _attrs(o).get("value")]
        assert offered == ["Bank account", "Front till"]  # active ones only
        assert inactive.title not in offered
    assert table_rows(dom(response)) == [["No payments yet."]]


def test_a_role_may_accept_advances_without_refunding(client, carla, cashier):
    client.force_login(cashier)
    response = client.get(f"/clients/{carla.pk}/payments/")
    buttons = button_labels(response)
    assert "+ Advance" in buttons
    assert "- Payment" not in buttons


def pay(http, client, which, amount, cashbox, note="", **headers):
    data = {f"{which}-amount": str(amount), f"{which}-cashbox": cashbox.pk if cashbox else ""}
    data[f"{which}-note"] = note
    return http.post(f"/clients/{client.pk}/payments/{which}/", data, **headers)


def test_advance_by_htmx_means_we_owe_the_client(signed_in, carla, till, manager):
    response = pay(signed_in, carla, "advance", "150", till, "For the gearbox", **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    shown = summary(response)
    assert "balance-payable" in shown["classes"]
    assert (shown["note"], shown["amount"]) == ("We owe the client", "-R$150.00")
    assert [r[1:] for r in table_rows(dom(response))] == [
        ["For the gearbox", "Front till", "+R$150.00", "", manager.full_name]
    ]
    assert not is_open(dialog(response, "advance-dialog"))
    root = dom(response)
    assert _attrs(find(root, id="profile-head")).get("hx-swap-oob") == "true"
    assert _text(find(root, cls="header-balance")) == "Balance: -R$150.00"
    counts = tab_counts(root)
    assert (counts["Balance"], counts["Payments"]) == (1, 1)
    till.refresh_from_db()
    assert till.balance == Decimal("1150.00")
    assert balance_of(carla) == Decimal("-150.00")


def test_refund_by_htmx_settles_the_client(signed_in, carla, till, manager):
    advance(carla, till, 150, actor=manager)
    response = pay(signed_in, carla, "refund", "150", till, **HTMX)
    shown = summary(response)
    assert "balance-settled" in shown["classes"]
    assert (shown["note"], shown["amount"]) == ("You're settled", "R$0.00")
    assert table_rows(dom(response))[0][1:4] == ["Refund to client", "Front till", "-R$150.00"]
    assert tab_counts(dom(response))["Payments"] == 2
    till.refresh_from_db()
    assert till.balance == Decimal("1000.00")


@pytest.mark.parametrize("which", ["advance", "refund"])
def test_payment_without_htmx_redirects_back_to_the_tab(signed_in, carla, till, manager, which):
    advance(carla, till, 100, actor=manager)
    response = pay(signed_in, carla, which, "40", till)
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{carla.pk}/payments/"
    page = signed_in.get(response["Location"])
    expected = {"advance": "Advance accepted.", "refund": "Refund paid."}[which]
    assert expected in messages_shown(page)
    assert summary(page)["amount"] == {"advance": "-R$140.00", "refund": "-R$60.00"}[which]


def test_refund_exceeding_what_we_owe_is_refused_in_the_dialog(signed_in, carla, till, manager):
    advance(carla, till, 100, actor=manager)
    response = pay(signed_in, carla, "refund", "150", till, **HTMX)
    assert response.status_code == 200
    box = dialog(response, "refund-dialog")
    assert is_open(box)
    assert field_errors(box, "refund-amount") == [
        "The refund exceeds what we owe the client (R$100.00)."
    ]
    assert not is_open(dialog(response, "advance-dialog"))
    assert Payment.objects.filter(client=carla).count() == 1
    assert LedgerEntry.objects.count() == 1
    assert balance_of(carla) == Decimal("-100.00")
    till.refresh_from_db()
    assert till.balance == Decimal("1100.00")


def test_refund_when_we_owe_nothing_is_refused(signed_in, carla, till):
    response = pay(signed_in, carla, "refund", "10", till, **HTMX)
    box = dialog(response, "refund-dialog")
    assert is_open(box)
    assert field_errors(box, "refund-amount") == [
        "We owe this client nothing: there is nothing to refund."
    ]
    assert not Payment.objects.filter(client=carla).exists()


def test_refund_from_a_cash_till_holding_less_is_refused(signed_in, carla, bank, manager):
    drawer = Cashbox.objects.create(title="Small drawer", kind=Cashbox.Kind.CASH)
    services.cash_move(
        actor=manager,
        cashbox=drawer,
        direction=Payment.Direction.INCOME,
        amount=Decimal("20"),
        category=Payment.Category.OTHER_INCOME,
    )
    advance(carla, bank, 100, actor=manager)
    response = pay(signed_in, carla, "refund", "50", drawer, **HTMX)
    box = dialog(response, "refund-dialog")
    assert is_open(box)
    assert field_errors(box, "refund-cashbox") == ["The cashbox “Small drawer” holds only R$20.00."]
    assert Payment.objects.filter(client=carla).count() == 1
    drawer.refresh_from_db()
    assert drawer.balance == Decimal("20.00")
    assert balance_of(carla) == Decimal("-100.00")


def test_refund_from_a_cashless_account_may_take_it_below_zero(signed_in, carla, till, manager):
    account = Cashbox.objects.create(title="Bank", kind=Cashbox.Kind.CASHLESS)
    advance(carla, till, 100, actor=manager)
    response = pay(signed_in, carla, "refund", "100", account, **HTMX)
    assert summary(response)["note"] == "You're settled"
    account.refresh_from_db()
    assert account.balance == Decimal("-100.00")


@pytest.mark.parametrize("which", ["advance", "refund"])
@pytest.mark.parametrize(
    ("amount", "cashbox", "field", "error"),
    [
        ("", "till", "amount", "This field is required."),
        ("abc", "till", "amount", "Enter a number, such as 150.75."),
        # "+ Advance" and "- Payment" say what is wanted, for zero and below alike.
        ("0", "till", "amount", "Enter an amount greater than zero."),
        ("-5", "till", "amount", "Enter an amount greater than zero."),
        ("0,00", "till", "amount", "Enter an amount greater than zero."),
        ("1.234", "till", "amount", "Ensure that there are no more than 2 decimal places."),
        ("10", None, "cashbox", "This field is required."),
        ("10", "inactive", "cashbox", None),
    ],
)
def test_bad_payment_input_is_shown_in_the_dialog(
    signed_in, carla, till, manager, which, amount, cashbox, field, error
):
    advance(carla, till, 100, actor=manager)
    boxes = {"till": till, None: None}
    boxes["inactive"] = Cashbox.objects.create(title="Closed", active=False)
    response = pay(signed_in, carla, which, amount, boxes[cashbox], **HTMX)
    assert response.status_code == 200
    box = dialog(response, f"{which}-dialog")
    assert is_open(box)
    errors = field_errors(box, f"{which}-{field}")
    if error:
        assert errors == [error]
    else:
        assert len(errors) == 1
    assert Payment.objects.filter(client=carla).count() == 1
    assert balance_of(carla) == Decimal("-100.00")


def test_a_refused_payment_keeps_what_was_typed(signed_in, carla, till, manager):
    advance(carla, till, 100, actor=manager)
    response = pay(signed_in, carla, "refund", "150", till, "Too much", **HTMX)
    box = dialog(response, "refund-dialog")
    assert _attrs(find(box, name="input", name_="refund-amount"))["value"] == "150"
    assert _attrs(find(box, name="input", name_="refund-note"))["value"] == "Too much"
    selected = [o for o in find_all(box, name="option") if "selected" in _attrs(o)]
    assert [_text(o) for o in selected] == ["Front till"]


@pytest.mark.parametrize(
    ("path", "data", "dialog_id", "field", "error"),
    [
        (
            "payments/refund/",
            {"refund-amount": "150", "refund-cashbox": "{till}"},
            "refund-dialog",
            "refund-amount",
            "The refund exceeds what we owe the client (R$100.00).",
        ),
        (
            "balance/correction/",
            {"amount": "40", "reason": ""},
            "correction-dialog",
            "reason",
            "This field is required.",
        ),
    ],
)
def test_a_refused_form_posted_without_htmx_comes_back_as_the_whole_page(
    signed_in, carla, till, manager, path, data, dialog_id, field, error
):
    """Without htmx (a click before the script loaded), a refused form is still a real page:
    the profile with its header, tabs and styles, and the dialog open with the error."""
    advance(carla, till, 100, actor=manager)
    data = {k: v.format(till=till.pk) for k, v in data.items()}
    response = signed_in.post(f"/clients/{carla.pk}/{path}", data)
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    root = dom(response)
    assert find(root, id="profile-head")
    assert find(root, id="profile-tabs")
    box = dialog(response, dialog_id)
    assert is_open(box)
    assert field_errors(box, field) == [error]
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("which", ["advance", "refund"])
def test_specialist_cannot_move_money(client, carla, till, manager, specialist, which):
    advance(carla, till, 100, actor=manager)
    client.force_login(specialist)
    response = pay(client, carla, which, "50", till, **HTMX)
    assert response.status_code == 403
    assert Payment.objects.filter(client=carla).count() == 1
    assert balance_of(carla) == Decimal("-100.00")


def test_a_role_without_refund_cannot_refund(client, carla, till, manager, cashier):
    advance(carla, till, 100, actor=manager)
    client.force_login(cashier)
    assert pay(client, carla, "refund", "50", till, **HTMX).status_code == 403
    assert Payment.objects.filter(client=carla).count() == 1


def test_payments_are_paginated_25_a_page(signed_in, carla, till, manager):
    for n in range(1, 28):
        advance(carla, till, n, f"advance {n}", actor=manager)
    first = signed_in.get(f"/clients/{carla.pk}/payments/")
    rows = table_rows(dom(first))
    assert len(rows) == 25
    assert rows[0][1] == "advance 27"
    second = signed_in.get(f"/clients/{carla.pk}/payments/", {"page": 2}, **HTMX)
    assert [r[1] for r in table_rows(dom(second))] == ["advance 2", "advance 1"]


# --- tab count badges ------------------------------------------------------------------------


def test_tab_badges_count_entries_and_payments(signed_in, carla, till, manager):
    advance(carla, till, 100, actor=manager)
    advance(carla, till, 50, actor=manager)
    correct(carla, 20, actor=manager)
    ClientFactory()  # another client's money does not count
    for path in (f"/clients/{carla.pk}/", f"/clients/{carla.pk}/payments/"):
        counts = tab_counts(dom(signed_in.get(path)))
        assert (counts["Balance"], counts["Payments"]) == (3, 2)


def test_tab_badges_start_at_zero(signed_in, carla):
    counts = tab_counts(dom(signed_in.get(f"/clients/{carla.pk}/")))
    assert (counts["Balance"], counts["Payments"]) == (0, 0)


# --- cashboxes -------------------------------------------------------------------------------


def test_manager_sees_cashboxes_with_their_balances(signed_in, till, bank):
    Cashbox.objects.create(title="Bonus points", kind=Cashbox.Kind.CASHLESS, virtual=True)
    Cashbox.objects.create(title="Old till", active=False)
    response = signed_in.get("/cashboxes/")
    assert response.status_code == 200
    assert table_rows(dom(response)) == [
        ["Bank account", "Cashless", "R$0.00", "Active"],
        ["Bonus points virtual", "Cashless", "R$0.00", "Active"],
        ["Front till", "Cash", "R$1,000.00", "Active"],
        ["Old till", "Cash", "R$0.00", "Inactive"],
    ]
    links = [_attrs(a)["href"] for a in find_all(dom(response), name="a")]
    assert f"/cashboxes/{till.pk}/" in links
    assert "/cashboxes/new/" not in links
    assert "+ Cashbox" not in response.content.decode()


def test_admin_sees_the_new_cashbox_button(client, admin, till):
    client.force_login(admin)
    response = client.get("/cashboxes/")
    link = find(dom(response), name="a", href="/cashboxes/new/")
    assert _text(link) == "+ Cashbox"
    detail = client.get(f"/cashboxes/{till.pk}/")
    assert _text(find(dom(detail), name="a", href=f"/cashboxes/{till.pk}/edit/")) == "Edit"


def test_specialist_cannot_see_cashboxes(client, specialist, till):
    client.force_login(specialist)
    assert client.get("/cashboxes/").status_code == 403
    assert client.get(f"/cashboxes/{till.pk}/").status_code == 403


@pytest.mark.parametrize("path", ["/cashboxes/new/", "/cashboxes/{pk}/edit/"])
def test_manager_cannot_create_or_edit_cashboxes(signed_in, till, path):
    path = path.format(pk=till.pk)
    assert signed_in.get(path).status_code == 403
    response = signed_in.post(path, {"title": "Mine now", "kind": "cashless", "active": "on"})
    assert response.status_code == 403
    assert list(Cashbox.objects.values_list("title", "kind")) == [("Front till", "cash")]
    detail = signed_in.get(f"/cashboxes/{till.pk}/")
    assert not find_all(dom(detail), name="a", href=f"/cashboxes/{till.pk}/edit/")


def test_admin_creates_a_cashbox(client, admin):
    client.force_login(admin)
    form = client.get("/cashboxes/new/")
    assert "checked" in _attrs(find(dom(form), name="input", name_="active"))
    response = client.post(
        "/cashboxes/new/",
        {"title": "  Pix   account ", "kind": "cashless", "virtual": "on", "active": "on"},
    )
    created = Cashbox.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cashboxes/{created.pk}/"
    assert (created.title, created.kind, created.virtual, created.active, created.balance) == (
        "Pix account",
        "cashless",
        True,
        True,
        Decimal("0"),
    )
    page = client.get(response["Location"])
    assert "Cashbox saved." in messages_shown(page)
    assert _text(find(dom(page), name="h1")) == "Pix account"


def test_admin_edits_a_cashbox(client, admin, till):
    client.force_login(admin)
    form = client.get(f"/cashboxes/{till.pk}/edit/")
    assert _attrs(find(dom(form), name="input", name_="title"))["value"] == "Front till"
    response = client.post(f"/cashboxes/{till.pk}/edit/", {"title": "Back till", "kind": "cash"})
    assert response.status_code == 302
    till.refresh_from_db()
    assert (till.title, till.active, till.balance) == ("Back till", False, Decimal("1000.00"))
    listing = client.get("/cashboxes/")
    assert ["Back till", "Cash", "R$1,000.00", "Inactive"] in table_rows(dom(listing))


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"title": "", "kind": "cash"}, "title", "This field is required."),
        ({"title": "   ", "kind": "cash"}, "title", "This field is required."),
        ({"title": "x" * 101, "kind": "cash"}, "title", None),
        ({"title": "Till", "kind": "gold"}, "kind", None),
        ({"title": "Till"}, "kind", "This field is required."),
    ],
)
def test_cashbox_form_refuses_bad_input_next_to_the_field(client, admin, till, data, field, error):
    client.force_login(admin)
    for path in ("/cashboxes/new/", f"/cashboxes/{till.pk}/edit/"):
        response = client.post(path, data)
        assert response.status_code == 200
        errors = field_errors(dom(response), field)
        if error:
            assert errors == [error]
        else:
            assert len(errors) == 1
    assert list(Cashbox.objects.values_list("title", "kind")) == [("Front till", "cash")]


def test_an_account_below_zero_cannot_become_a_cash_till(client, admin, carla, till, manager):
    account = Cashbox.objects.create(title="Bank", kind=Cashbox.Kind.CASHLESS)
    advance(carla, till, 100, actor=manager)
    refund(carla, account, 100, actor=manager)
    client.force_login(admin)
    response = client.post(
        f"/cashboxes/{account.pk}/edit/", {"title": "Bank", "kind": "cash", "active": "on"}
    )
    assert response.status_code == 200
    assert field_errors(dom(response), "kind") == [
        "A cashbox below zero cannot become a cash cashbox."
    ]
    account.refresh_from_db()
    assert account.kind == "cashless"


def test_cashbox_movements_show_the_running_balance(signed_in, carla, till, manager):
    advance(carla, till, 150, "Deposit", actor=manager)
    refund(carla, till, 50, "Change", actor=manager)
    other = ClientFactory(first_name="Otto", last_name="Lang")
    elsewhere = Cashbox.objects.create(title="Elsewhere", kind=Cashbox.Kind.CASHLESS)
    advance(other, elsewhere, 999, actor=manager)  # another cashbox: not listed
    response = signed_in.get(f"/cashboxes/{till.pk}/")
    assert response.status_code == 200
    root = dom(response)
    assert _text(find(root, cls="cashbox-balance")) == "Balance: R$1,100.00"
    rows = table_rows(root)
    assert [r[1:6] for r in rows] == [
        ["Refund to client", "Carla Dias", "Change", "-R$50.00", "R$1,100.00"],
        ["Advance", "Carla Dias", "Deposit", "+R$150.00", "R$1,150.00"],
        ["Other income", "", "Float", "+R$1,000.00", "R$1,000.00"],
    ]
    client_link = find(find(root, name="tbody"), name="a")
    assert _attrs(client_link)["href"] == f"/clients/{carla.pk}/payments/"


def test_cashbox_movements_page_by_htmx(signed_in, carla, till, manager):
    for n in range(1, 27):
        advance(carla, till, n, f"n{n}", actor=manager)
    first = signed_in.get(f"/cashboxes/{till.pk}/")
    assert len(table_rows(dom(first))) == 25
    second = signed_in.get(f"/cashboxes/{till.pk}/", {"page": 2}, **HTMX)
    html = second.content.decode()
    assert "<html" not in html
    assert [r[3] for r in table_rows(dom(second))] == ["n1", "Float"]
    assert [r[5] for r in table_rows(dom(second))] == ["R$1,001.00", "R$1,000.00"]


def test_an_empty_cashbox_says_so(signed_in):
    box = Cashbox.objects.create(title="New till")
    response = signed_in.get(f"/cashboxes/{box.pk}/")
    assert table_rows(dom(response)) == [["No movements yet."]]


def test_unknown_cashbox_is_404(signed_in):
    assert signed_in.get("/cashboxes/999999/").status_code == 404


@pytest.mark.parametrize("language", ["en", "pt-br"])
@pytest.mark.parametrize(("typed", "meant"), [("150,75", "150.75"), ("1.500,75", "1500.75")])
def test_an_amount_typed_with_a_decimal_comma_is_taken_as_meant(
    signed_in, carla, till, language, typed, meant
):
    """A Brazilian cashier types "150,75" whatever language the page or browser speaks: it
    is R$ 150,75, never R$ 15.075,00 (an <input type="number"> read by an English browser
    dropped the comma)."""
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = pay(signed_in, carla, "advance", typed, till, **HTMX)
    assert response.status_code == 200
    assert balance_of(carla) == -Decimal(meant)
    form = signed_in.get(f"/clients/{carla.pk}/payments/").content.decode()
    assert 'name="advance-amount"' in form and 'inputmode="decimal"' in form
    assert 'type="number"' not in form


def test_an_amount_that_is_not_a_number_changes_nothing(signed_in, carla, till):
    response = pay(signed_in, carla, "advance", "150,75,3", till, **HTMX)
    assert "Enter a number, such as 150.75." in response.content.decode()
    assert balance_of(carla) == Decimal("0")
