"""Segment counting: GSM-7 160/153, UCS-2 70/67, extension characters, smart encoding."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sms.encoding import GSM7, UCS2, is_gsm7, segment_info, smart_encode


def test_a_short_message_keeps_its_accents_when_simplifying_saves_nothing():
    info = segment_info("Olá")
    assert (info.encoding, info.segments, info.text, info.simplified) == (UCS2, 1, "Olá", False)
    assert info.remaining == 67


def test_accents_are_simplified_when_that_saves_segments():
    typed = "Olá, seu aparelho está pronto para retirada. " * 2  # 92 characters: 2 in UCS-2
    info = segment_info(typed)
    assert (info.encoding, info.segments, info.simplified) == (GSM7, 1, True)
    assert info.text == typed.replace("á", "a")
    assert info.segments_as_typed == 2


def test_a_message_that_must_be_ucs2_keeps_its_accents():
    """An emoji makes it UCS-2 whatever happens: "Olá… está" was sent as "Ola... esta"."""
    typed = "Olá… seu aparelho está pronto 😀 " * 3
    info = segment_info(typed)
    assert info.encoding == UCS2
    assert info.text == typed
    assert not info.simplified


def test_portuguese_accents_are_simplified_and_gsm_letters_kept():
    assert smart_encode("Ação é ótima, você não?") == "Acao é otima, voce nao?"
    assert smart_encode("“quoted” — ‘x’…") == "\"quoted\" - 'x'..."
    assert segment_info("Ñandú Ü à ß " * 10).encoding == GSM7


def test_160_gsm_characters_are_one_segment_161_are_two():
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3
    assert segment_info("a" * 161).remaining == 306 - 161


def test_70_ucs2_units_are_one_segment_71_are_two():
    assert segment_info("Ж" * 70).segments == 1
    assert segment_info("Ж" * 70).encoding == UCS2
    assert segment_info("Ж" * 71).segments == 2
    assert segment_info("Ж" * 134).segments == 2
    assert segment_info("Ж" * 135).segments == 3


def test_an_emoji_makes_it_ucs2_and_counts_two_units():
    info = segment_info("Oi 😀")
    assert (info.encoding, info.length) == (UCS2, 5)
    assert segment_info("😀" * 35).segments == 1
    assert segment_info("😀" * 35 + "a").segments == 2


def test_extension_characters_count_two_septets():
    assert segment_info("€").length == 2
    assert segment_info("^{}\\[~]|€").length == 18
    assert segment_info("a" * 158 + "€").segments == 1
    assert segment_info("a" * 159 + "€").segments == 2


def test_empty_text_has_no_segments():
    info = segment_info("")
    assert (info.segments, info.remaining) == (0, 160)


@given(st.text(max_size=400), st.characters())
def test_segments_never_decrease_when_a_character_is_appended(text, char):
    assert segment_info(text + char).segments >= segment_info(text).segments


LATIN_ACCENTED = [
    chr(c)
    for c in range(0xC0, 0x250)
    if unicodedata.category(chr(c)).startswith("L")
    and unicodedata.normalize("NFD", chr(c))[0].isascii()
    and unicodedata.normalize("NFD", chr(c))[0].isalpha()
]


@given(st.text(alphabet=st.sampled_from(LATIN_ACCENTED + list("abc XYZ,.!?")), max_size=200))
def test_smart_encoded_latin_text_is_gsm7_and_never_costs_more(text):
    assert is_gsm7(smart_encode(text))
    info = segment_info(text)
    assert info.text in (text, smart_encode(text))
    if info.simplified:
        assert info.encoding == GSM7 and info.segments < info.segments_as_typed


@given(st.text(max_size=400))
def test_the_text_sent_is_as_typed_unless_simplifying_saves_segments(text):
    info = segment_info(text)
    if info.text != text:
        assert info.simplified and info.encoding == GSM7
        assert info.segments < info.segments_as_typed
