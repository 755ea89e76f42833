"""Phone numbers as people type them, and the folded text search relies on."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core.phones import (
    MAX_PHONE_INPUT,
    format_phone,
    normalize_phone,
    parse_phone,
    phone_search_key,
    to_e164,
)
from core.text import fold

MOBILE = "+5511987654321"
LANDLINE = "+551134567890"

# Brazilian area codes (DDD) in use.
BR_AREA_CODES = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68,
    69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95,
    96, 97, 98, 99,
]  # fmt: skip


@pytest.mark.parametrize(
    "typed",
    [
        "(11) 98765-4321",
        "(11)98765-4321",
        "11 98765-4321",
        "11987654321",
        "11.98765.4321",
        "+55 11 98765 4321",
        "+55 (11) 98765-4321",
        "+55-11-98765-4321",
        "+5511987654321",
        "5511987654321",
        # The trunk prefix 0 Brazilians dial before the area code.
        "011 98765-4321",
        "0 11 98765-4321",
        # International access prefix written as 00.
        "005511987654321",
        "0055 11 98765-4321",
        # Surrounding blanks are not part of the number.
        "  (11) 98765-4321  ",
        # Full-width digits pasted from some keyboards.
        "１１９８７６５４３２１",
    ],
)
def test_every_common_way_of_typing_a_brazilian_mobile_is_the_same_number(typed):
    assert normalize_phone(typed) == MOBILE
    assert to_e164(typed) == MOBILE


@pytest.mark.parametrize("typed", ["(11) 3456-7890", "11 34567890", "+55 11 3456 7890"])
def test_landlines_are_normalized_too(typed):
    assert normalize_phone(typed) == LANDLINE


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+1 650-253-0000", "+16502530000"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+351 912 345 678", "+351912345678"),
        ("00 1 650 253 0000", "+16502530000"),
        ("0044 20 7946 0958", "+442079460958"),
    ],
)
def test_foreign_numbers_with_a_country_code_keep_their_country(typed, e164):
    assert normalize_phone(typed) == e164


def test_region_argument_reads_national_numbers_of_another_country():
    assert normalize_phone("(650) 253-0000", region="US") == "+16502530000"
    # The same digits are not a Brazilian number.
    assert to_e164("(650) 253-0000") is None


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        None,
        "abc",
        "call me",
        "one one nine",
        "+",
        "00",
        "0",
        "-- --",
        "123",
        # A mobile without its area code cannot be dialled from another city.
        "98765-4321",
        # One digit short / one digit too many.
        "1198765432",
        "+55119876543210",
        # An old 8-digit mobile without the leading 9 is no longer a valid number.
        "+55 11 8765-4321",
        # Letters inside the number: a typo, not a number.
        "11 9876S-4321",
        "11 98765-432l",
        "119876543ab",
        "11987654321abc",
        "11 9876-ABCD",
        "+55 11 98765-4321 ramal 23",
        # Two numbers in one box.
        "+5511987654321 +5511987654322",
        # Unknown country code.
        "+999 123",
    ],
)
def test_garbage_is_refused_with_a_clear_message(typed):
    assert to_e164(typed) is None
    assert parse_phone(typed) is None
    with pytest.raises(ValidationError) as info:
        normalize_phone(typed)
    assert info.value.code == "invalid_phone"
    (message,) = info.value.messages
    assert "is not a valid phone number" in message
    assert f"“{typed or ''}”" in message


def test_input_longer_than_the_limit_is_refused_even_if_it_holds_a_number():
    padded = "(11) 98765-4321" + "-" * (MAX_PHONE_INPUT + 1 - len("(11) 98765-4321"))
    assert len(padded) == MAX_PHONE_INPUT + 1
    assert to_e164(padded) is None
    with pytest.raises(ValidationError):
        normalize_phone(padded)


def test_huge_input_is_refused_and_the_message_does_not_echo_all_of_it():
    huge = "9" * 10_000
    with pytest.raises(ValidationError) as info:
        normalize_phone(huge)
    (message,) = info.value.messages
    assert len(message) < 200


def test_input_at_the_limit_is_still_read():
    typed = "+55 (11) 98765-4321".ljust(MAX_PHONE_INPUT - 1) + "."
    assert len(typed) == MAX_PHONE_INPUT
    assert to_e164(typed) == MOBILE


def test_format_phone_shows_home_numbers_in_national_format():
    assert format_phone(MOBILE) == "(11) 98765-4321"
    assert format_phone(LANDLINE) == "(11) 3456-7890"


def test_format_phone_shows_foreign_numbers_in_international_format():
    assert format_phone("+16502530000") == "+1 650-253-0000"
    assert format_phone("+442079460958") == "+44 20 7946 0958"


def test_format_phone_returns_unparseable_values_unchanged():
    assert format_phone("not a phone") == "not a phone"


def test_format_phone_follows_the_configured_region(settings):
    settings.OFICINA_PHONE_REGION = "US"
    assert format_phone("+16502530000") == "(650) 253-0000"
    assert format_phone(MOBILE) == "+55 11 98765-4321"


def test_phone_search_key_reads_a_full_number_in_any_format():
    assert phone_search_key("(11) 98765-4321") == (MOBILE, "11987654321")
    assert phone_search_key("+55 11 98765 4321") == (MOBILE, "5511987654321")
    assert phone_search_key("0055 11 98765-4321")[0] == MOBILE


def test_phone_search_key_keeps_digits_of_a_partial_number():
    assert phone_search_key("4321") == (None, "4321")
    assert phone_search_key("98765-4321") == (None, "987654321")


def test_phone_search_key_of_text_has_no_number_and_no_digits():
    assert phone_search_key("Maria") == (None, "")
    assert phone_search_key("") == (None, "")
    assert phone_search_key(None) == (None, "")


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("João", "joao"),
        ("JOÃO DA SILVA", "joao da silva"),
        ("Conceição", "conceicao"),
        ("Ângela  Müller", "angela muller"),
        ("  Zoë\tÅsa \n", "zoe asa"),
        ("Straße", "strasse"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_ignores_accents_case_and_extra_blanks(typed, folded):
    assert fold(typed) == folded


# --- properties ------------------------------------------------------------------------------


@st.composite
def br_mobiles(draw):
    area = draw(st.sampled_from(BR_AREA_CODES))
    subscriber = draw(st.integers(min_value=0, max_value=99_999_999))
    e164 = f"+55{area}9{subscriber:08d}"
    assume(phonenumbers.is_valid_number(phonenumbers.parse(e164)))
    return e164


@given(br_mobiles())
def test_a_mobile_shown_in_national_format_reads_back_as_itself(e164):
    shown = format_phone(e164)
    assert not shown.startswith("+")
    assert normalize_phone(shown) == e164


@given(br_mobiles())
def test_a_mobile_in_international_format_or_bare_digits_reads_back_as_itself(e164):
    number = phonenumbers.parse(e164)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    assert normalize_phone(international) == e164
    assert normalize_phone(e164[3:]) == e164  # area code + number, no country code
    assert normalize_phone("00" + e164[1:]) == e164


@given(br_mobiles())
def test_normalizing_is_idempotent(e164):
    assert normalize_phone(normalize_phone(e164)) == e164


@given(st.text(max_size=60))
def test_normalize_phone_either_answers_e164_or_refuses(text):
    try:
        e164 = normalize_phone(text)
    except ValidationError:
        return
    assert e164.startswith("+")
    assert e164[1:].isdigit()
    assert to_e164(e164) == e164


# What people type in names: Latin letters with the accents Portuguese and its neighbours use.
NAME_TEXT = st.text(
    alphabet=st.characters(codec="latin-1", categories=["Lu", "Ll", "Nd", "Zs", "Pd", "Po"]),
    max_size=40,
)


@given(NAME_TEXT)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(NAME_TEXT)
def test_fold_ignores_case(text):
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@given(st.text(alphabet="aeiouc", max_size=20))
def test_fold_matches_the_accented_spelling(plain):
    accented = plain.translate(str.maketrans("aeiouc", "ãéíôüç"))
    assert fold(accented) == fold(plain)
