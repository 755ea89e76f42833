"""How long an SMS is: its encoding, its segments, and the "smart encoding" applied before
sending.

An SMS carries 140 bytes. Text in the GSM 03.38 alphabet (7-bit septets) fits 160
characters in one message, or 153 per part once split (the rest carries the concatenation
header); characters of the GSM extension table (``^{}\\[~]|€`` and form feed) take two
septets (an escape and the character). Anything else is sent as UCS-2: 70 UTF-16 code units
in one message, 67 per part; a character outside the Basic Multilingual Plane, such as an
emoji, takes two units.

Smart encoding: GSM 03.38 has some accented letters (é, à, ñ, ü, Ç, …) but not the ones
Portuguese needs most (á, ã, â, í, ó, õ, ô, ú, ç, ê). One of them turns a whole message into
UCS-2 and cuts it from 160 to 70 characters per message. Like Twilio's "smart encoding", a
character with a GSM look-alike may be replaced by it ("Olá" → "Ola", "ação" → "acao", curly
quotes → straight ones) — but only when that pays: when the whole message then fits GSM-7
and takes fewer segments than as typed. A message that must be UCS-2 anyway (an emoji,
Cyrillic, Chinese) or that costs the same either way keeps its accents. Segments are counted
on what is sent and stored; the form says when accents will be simplified and what it saves.
"""

import math
import unicodedata
from dataclasses import dataclass, replace

GSM7 = "gsm7"
UCS2 = "ucs2"

# GSM 03.38 basic character set (without the escape code 0x1B).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as escape + character, two septets.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_GSM, PART_GSM = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67

MAX_CHARS = 1600  # what a form or the API accepts, before smart encoding
MAX_SEGMENTS = 10

# Look-alikes that Unicode decomposition does not give (decomposition handles á → a etc.).
LOOKALIKES = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "´": "'",
    "`": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "•": "-",
    "·": ".",
    "ª": "a",
    "º": "o",
    "°": "o",
    "Œ": "OE",
    "œ": "oe",
    "Ð": "D",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
}


def is_gsm_char(char: str) -> bool:
    return char in GSM_BASIC or char in GSM_EXTENSION


def _lookalike(char: str) -> str:
    if is_gsm_char(char):
        return char
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    # "á" is "a" + a combining accent: keep the base letter when it is in GSM 03.38.
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != char and all(is_gsm_char(c) for c in base):
        return base
    return char


def smart_encode(text: str) -> str:
    """``text`` with every character that has a GSM-7 look-alike replaced by it."""
    return "".join(_lookalike(char) for char in text)


def is_gsm7(text: str) -> bool:
    return all(is_gsm_char(char) for char in text)


@dataclass(frozen=True)
class SegmentInfo:
    """What the counter under the text box shows."""

    text: str  # what will be sent (smart-encoded)
    encoding: str  # GSM7 or UCS2
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the capacity of each part at this length
    remaining: int  # characters (units) left before another segment starts
    simplified: bool  # smart encoding changed something
    segments_as_typed: int = 0  # when simplified: the segments the typed text would take

    @property
    def encoding_label(self) -> str:
        return "GSM-7" if self.encoding == GSM7 else "UCS-2"


def _split(length: int, single: int, part: int) -> tuple[int, int]:
    """(segments, capacity per segment) of a message ``length`` units long."""
    if length <= single:
        return (1 if length else 0), single
    return math.ceil(length / part), part


def _measure(text: str, simplified: bool = False) -> SegmentInfo:
    if is_gsm7(text):
        length = sum(2 if c in GSM_EXTENSION else 1 for c in text)
        encoding, single, part = GSM7, SINGLE_GSM, PART_GSM
    else:
        length = len(text.encode("utf-16-le", "surrogatepass")) // 2
        encoding, single, part = UCS2, SINGLE_UCS2, PART_UCS2
    segments, per = _split(length, single, part)
    remaining = max(segments, 1) * per - length
    return SegmentInfo(
        text=text,
        encoding=encoding,
        length=length,
        segments=segments,
        per_segment=per,
        remaining=remaining,
        simplified=simplified,
    )


def segment_info(raw: str) -> SegmentInfo:
    """Encoding and segments of ``raw`` as it will be sent: smart-encoded when that makes it
    GSM-7 in fewer segments, as typed otherwise."""
    typed = _measure(raw)
    if typed.encoding == GSM7:
        return typed
    smart = smart_encode(raw)
    if smart != raw and is_gsm7(smart):
        simplified = _measure(smart, simplified=True)
        if simplified.segments < typed.segments:
            return replace(simplified, segments_as_typed=typed.segments)
    return typed
