"""What counts as a call recording: an audio file, judged by the Content-Type it was served
with and by its first bytes (an HTML error page served as audio/mpeg is refused)."""

# Content types providers serve recordings with, and the file extension each is stored under.
AUDIO_TYPES = {
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
    "audio/aac": "m4a",
}
# What the file view answers with, by stored extension.
CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "m4a": "audio/mp4"}
MAGIC_BYTES = 12  # enough for every signature below


def media_type(header: str | None) -> str:
    """``audio/mpeg`` from ``audio/mpeg; charset=…``, lower-cased."""
    return (header or "").split(";", 1)[0].strip().lower()


def sniff(head: bytes) -> str | None:
    """The audio format the file's first bytes show ("mp3", "wav", "ogg", "m4a"), or None."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3":
        return "mp3"
    # An MPEG audio frame: 11 sync bits, then a layer other than "reserved".
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "m4a"
    return None


def content_type_for(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def tone_wav(seconds: float = 1.0, *, rate: int = 8000, frequency: float = 440.0) -> bytes:
    """A real mono 16-bit WAV file of a quiet tone (the demo's recording, tests)."""
    import io
    import math
    import struct
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        step = 2 * math.pi * frequency / rate
        samples = (int(3000 * math.sin(step * i)) for i in range(int(seconds * rate)))
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))
    return buffer.getvalue()
