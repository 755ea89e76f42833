"""Line and document totals: exact Decimal arithmetic, one rounding per line, clear refusals.

The properties are checked against an independent oracle that computes with fractions and
rounds half-up by hand, so a bug shared by the code and its test cannot hide.
"""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from clients.models import Client
from core.money import MAX_AMOUNT
from documents.totals import (
    DiscountKind,
    LineInput,
    LineKind,
    TotalsError,
    document_total,
    line_discount,
    line_total,
    proposed_discount,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("10000"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
kinds = st.sampled_from([DiscountKind.PERCENT, DiscountKind.AMOUNT])


def exact_gross(quantity: Decimal, price: Decimal) -> Fraction:
    return Fraction(quantity) * Fraction(price)


def cents_half_up(value: Fraction) -> Decimal:
    """``value`` (never negative) rounded half-up to cents, computed without Decimal."""
    assert value >= 0
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


def floor_cents(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 100)) / 100


def oracle(quantity, price, discount, kind) -> Decimal:
    gross = exact_gross(quantity, price)
    off = Fraction(discount) if kind == DiscountKind.AMOUNT else gross * Fraction(discount) / 100
    return cents_half_up(gross - off)


@st.composite
def lines(draw) -> LineInput:
    """Any valid line: a percent discount, or an amount up to quantity times price."""
    quantity, price = draw(quantities), draw(prices)
    if draw(kinds) == DiscountKind.PERCENT:
        return LineInput(quantity=quantity, price=price, discount=draw(percents))
    most = floor_cents(exact_gross(quantity, price))
    amount = draw(st.decimals(min_value=Decimal("0"), max_value=most, places=2))
    return LineInput(
        quantity=quantity, price=price, discount=amount, discount_kind=DiscountKind.AMOUNT
    )


# --- one line -------------------------------------------------------------------------------


@given(lines())
def test_a_line_total_is_the_exact_amount_rounded_once_half_up(line):
    expected = oracle(line.quantity, line.price, line.discount, line.discount_kind)
    assert line_total(line) == expected
    assert line_total(line).as_tuple().exponent == -2


@given(lines())
def test_a_line_total_is_never_negative_nor_more_than_the_undiscounted_amount(line):
    total = line_total(line)
    assert ZERO <= total <= cents_half_up(exact_gross(line.quantity, line.price))
    assert not total.is_signed(), "a zero total is written without a minus sign"


@given(lines())
def test_amount_discount_and_total_always_add_up_to_the_rounded_amount(line):
    gross = cents_half_up(exact_gross(line.quantity, line.price))
    assert line_discount(line) + line_total(line) == gross
    assert line_discount(line) >= 0


@given(quantities, prices)
def test_no_discount_is_quantity_times_price(quantity, price):
    expected = cents_half_up(exact_gross(quantity, price))
    assert line_total(LineInput(quantity=quantity, price=price)) == expected
    assert line_total(LineInput(quantity=quantity, price=price, discount=Decimal("0"))) == expected
    no_amount = LineInput(quantity=quantity, price=price, discount=0, discount_kind="amount")
    assert line_total(no_amount) == expected


@given(quantities, prices)
def test_a_hundred_percent_discount_is_free(quantity, price):
    line = LineInput(quantity=quantity, price=price, discount=Decimal("100"))
    assert line_total(line) == ZERO


@given(quantities, prices)
def test_an_amount_discount_of_the_whole_amount_is_free(quantity, price):
    gross = exact_gross(quantity, price)
    assume(gross == Fraction(floor_cents(gross)))  # an amount in cents can equal it
    line = LineInput(
        quantity=quantity, price=price, discount=floor_cents(gross), discount_kind="amount"
    )
    assert line_total(line) == ZERO


@given(quantities, prices, percents, percents)
def test_a_bigger_percent_never_costs_more(quantity, price, first, second):
    low, high = sorted([first, second])
    cheaper = LineInput(quantity=quantity, price=price, discount=high)
    dearer = LineInput(quantity=quantity, price=price, discount=low)
    assert line_total(cheaper) <= line_total(dearer)


@given(quantities, prices)
def test_an_amount_discount_above_quantity_times_price_is_refused(quantity, price):
    gross = exact_gross(quantity, price)
    too_much = floor_cents(gross) + CENT  # the smallest amount in cents above it
    with pytest.raises(TotalsError) as refused:
        LineInput(quantity=quantity, price=price, discount=too_much, discount_kind="amount")
    assert list(refused.value.message_dict) == ["discount"]
    assert "at most the line's amount" in refused.value.message_dict["discount"][0]


@given(
    quantities,
    prices,
    st.one_of(
        st.decimals(max_value=Decimal("-0.01"), places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=Decimal("100.01"), places=2, allow_nan=False, allow_infinity=False),
    ),
)
def test_a_percent_outside_0_to_100_is_refused(quantity, price, percent):
    with pytest.raises(TotalsError) as refused:
        LineInput(quantity=quantity, price=price, discount=percent)
    assert refused.value.message_dict == {
        "discount": ["A discount in percent is between 0 and 100."]
    }


@given(st.decimals(max_value=Decimal("0"), places=3, allow_nan=False, allow_infinity=False))
def test_a_quantity_of_zero_or_less_is_refused(quantity):
    with pytest.raises(TotalsError) as refused:
        LineInput(quantity=quantity, price=Decimal("10"))
    assert refused.value.message_dict == {"quantity": ["Enter a quantity greater than zero."]}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"quantity": "1.0001"}, {"quantity": ["Use at most 3 decimal places."]}),
        ({"quantity": "1000000"}, {"quantity": ["The quantity may be at most 999999.999."]}),
        ({"quantity": "abc"}, {"quantity": ["Enter a number."]}),
        ({"quantity": "NaN"}, {"quantity": ["Enter a number."]}),
        ({"quantity": "Infinity"}, {"quantity": ["Enter a number."]}),
        ({"price": "-0.01"}, {"price": ["Enter an amount of zero or more."]}),
        ({"price": "10.001"}, {"price": ["Use at most 2 decimal places."]}),
        ({"price": "1000000000"}, {"price": ["The amount may be at most R$999,999,999.99."]}),
        ({"discount": "10.005"}, {"discount": ["Use at most 2 decimal places."]}),
        (
            {"discount": "-1", "discount_kind": "amount"},
            {"discount": ["Enter an amount of zero or more."]},
        ),
        (
            {"discount": "0.001", "discount_kind": "amount"},
            {"discount": ["Use at most 2 decimal places."]},
        ),
        ({"discount_kind": "coupon"}, {"discount_kind": ["Unknown discount kind."]}),
        (
            {"quantity": "0", "price": "-1", "discount": "101"},
            {
                "quantity": ["Enter a quantity greater than zero."],
                "price": ["Enter an amount of zero or more."],
                "discount": ["A discount in percent is between 0 and 100."],
            },
        ),
        (
            {"quantity": "1000", "price": "999999999.99"},
            {"price": ["Quantity × price may be at most R$999,999,999.99."]},
        ),
    ],
)
def test_bad_line_numbers_are_refused_with_a_message_per_field(fields, errors):
    values = {"quantity": "2", "price": "10.00", "discount": "0", "discount_kind": "percent"}
    with pytest.raises(TotalsError) as refused:
        LineInput(**{**values, **fields})
    assert refused.value.message_dict == errors


def test_a_float_is_a_programming_error_not_a_price():
    with pytest.raises(TypeError):
        LineInput(quantity=Decimal("1"), price=0.1)


def test_strings_and_integers_are_kept_as_decimals():
    line = LineInput(quantity="1.5", price=3, discount="10", discount_kind="percent")
    assert line == LineInput(quantity=Decimal("1.5"), price=Decimal("3"), discount=Decimal("10"))
    assert isinstance(line.quantity, Decimal) and isinstance(line.price, Decimal)
    assert line.discount_kind is DiscountKind.PERCENT


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "kind", "total"),
    [
        # Rounded once: 0.025 less 10% is 0.0225 → 0.02. Rounding the amount first (0.03)
        # and then the discount (0.00) would charge 0.03.
        ("0.5", "0.05", "10", "percent", "0.02"),
        # Half-up, as shops round: 0.085 → 0.09 (banker's rounding would give 0.08).
        ("1", "0.10", "15", "percent", "0.09"),
        ("3", "33.33", "0", "percent", "99.99"),
        ("2.5", "19.90", "5", "percent", "47.26"),  # 49.75 less 2.4875 = 47.2625
        ("1.333", "7.50", "1.25", "amount", "8.75"),  # 9.9975 less 1.25 = 8.7475
        ("10", "0", "50", "percent", "0.00"),
    ],
)
def test_worked_examples(quantity, price, discount, kind, total):
    line = LineInput(quantity=quantity, price=price, discount=discount, discount_kind=kind)
    assert line_total(line) == Decimal(total)


# --- a document -----------------------------------------------------------------------------


@given(st.lists(lines(), max_size=12))
def test_a_document_total_is_the_sum_of_its_rounded_line_totals(items):
    total = document_total(items)
    assert total == sum((line_total(line) for line in items), start=ZERO)
    assert total == sum(
        (oracle(li.quantity, li.price, li.discount, li.discount_kind) for li in items), start=ZERO
    )
    assert total >= 0
    assert total.as_tuple().exponent == -2


@given(st.lists(lines(), max_size=12), st.randoms())
def test_the_order_of_lines_does_not_change_the_total(items, random):
    shuffled = list(items)
    random.shuffle(shuffled)
    assert document_total(shuffled) == document_total(items)


def test_each_line_is_rounded_before_the_lines_are_added():
    """Three lines of 0.085 print as 0.09 each, so the total is 0.27 (not 0.255 → 0.26)."""
    line = LineInput(quantity="1", price="0.10", discount="15")
    assert document_total([line, line, line]) == Decimal("0.27")


def test_a_document_without_lines_totals_zero():
    assert document_total([]) == ZERO
    assert document_total(iter(())) == ZERO


def test_a_document_total_no_document_can_hold_is_refused():
    line = LineInput(quantity="1", price=MAX_AMOUNT)
    assert document_total([line]) == MAX_AMOUNT
    with pytest.raises(TotalsError) as refused:
        document_total([line, LineInput(quantity="1", price="0.01")])
    assert refused.value.message_dict == {
        "items": ["A document's total may be at most R$999,999,999.99."]
    }


# --- the client's personal discount ---------------------------------------------------------


def test_the_clients_discount_on_goods_is_proposed_for_products_and_on_services_for_services():
    client = Client(discount_goods=Decimal("5.00"), discount_services=Decimal("12.50"))
    assert proposed_discount(client, LineKind.PRODUCT) == Decimal("5.00")
    assert proposed_discount(client, LineKind.SERVICE) == Decimal("12.50")
    assert proposed_discount(client, "product") == Decimal("5.00")


def test_a_free_text_line_and_a_line_without_client_get_no_discount():
    client = Client(discount_goods=Decimal("5"), discount_services=Decimal("10"))
    assert proposed_discount(client, LineKind.TEXT) == 0
    assert proposed_discount(None, LineKind.PRODUCT) == 0
    assert proposed_discount(Client(), LineKind.SERVICE) == 0


def test_an_unknown_line_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        proposed_discount(Client(), "bundle")


@given(percents, percents, quantities, prices)
def test_the_proposed_discount_makes_a_valid_line(goods, services, quantity, price):
    client = Client(discount_goods=goods, discount_services=services)
    for kind in (LineKind.PRODUCT, LineKind.SERVICE, LineKind.TEXT):
        line = LineInput(quantity=quantity, price=price, discount=proposed_discount(client, kind))
        assert line_total(line) <= cents_half_up(exact_gross(quantity, price))
