"""Amounts as people type them are read as they meant them, in either language, or refused:
never a comma quietly dropped (``150,75`` becoming 15075)."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given
from hypothesis import strategies as st

from core.forms import DecimalInputField
from core.numbers import parse_decimal

BOTH = ["en", "pt-br"]


@pytest.mark.parametrize("language", BOTH)
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("150,75", "150.75"),
        ("150.75", "150.75"),
        ("1.500,75", "1500.75"),
        ("1,500.75", "1500.75"),
        ("1.500.000", "1500000"),
        ("1,500,000.25", "1500000.25"),
        ("R$ 150,75", "150.75"),
        ("R$150", "150"),
        ("150 €", "150"),
        ("-R$ 10,5", "-10.5"),
        ("R$ -10,5", "-10.5"),
        ("+3", "3"),
        ("1 500,75", "1500.75"),
        (",5", "0.5"),
        ("150,", "150"),
        ("  42  ", "42"),
    ],
)
def test_what_is_typed_is_what_is_meant_in_either_language(language, typed, meant):
    with translation.override(language):
        assert parse_decimal(typed) == Decimal(meant)


def test_one_separator_before_three_digits_is_read_as_the_language_reads_it():
    with translation.override("pt-br"):
        assert parse_decimal("1.500") == Decimal("1500")
        assert parse_decimal("1,500") == Decimal("1.5")
    with translation.override("en"):
        assert parse_decimal("1,500") == Decimal("1500")
        assert parse_decimal("1.500") == Decimal("1.5")


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "150 75", "1,2,3", "12.34.56", "1.2,3", "1e5", "NaN", "Infinity", "--1",
     "١٢٣", "1.50.0", "R$", "10-", "0x10", "1_000", "=1+1"],
)  # fmt: skip
def test_anything_else_is_not_a_number(typed):
    for language in BOTH:
        with translation.override(language), pytest.raises(ValueError):
            parse_decimal(typed)


@given(
    value=st.decimals(min_value=-999999999, max_value=999999999, places=2, allow_nan=False),
    language=st.sampled_from(BOTH),
    grouped=st.booleans(),
)
def test_a_number_as_the_page_shows_it_reads_back_as_itself(value, language, grouped):
    with translation.override(language):
        shown = number_format(value, decimal_pos=2, force_grouping=grouped)
        assert parse_decimal(shown) == value


def test_the_form_field_refuses_clearly_and_shows_values_in_the_pages_language():
    field = DecimalInputField(max_digits=14, decimal_places=2, min_value=0)
    with translation.override("pt-br"):
        assert field.clean("150,75") == Decimal("150.75")
        with pytest.raises(Exception) as refused:
            field.clean("cento e cinquenta")
        assert "150,75" in str(refused.value)
        html = field.widget.render("amount", field.prepare_value(Decimal("1500.5")))
        assert 'value="1500,50"' in html or 'value="1.500,50"' in html
        assert 'type="text"' in html and 'inputmode="decimal"' in html
    with translation.override("en"):
        with pytest.raises(Exception) as refused:
            field.clean("1,2,3")
        assert "150.75" in str(refused.value)
        with pytest.raises(Exception, match="decimal places"):
            field.clean("1.505")
