"""JSON from outside, read strictly.

``json.loads`` accepts ``"\\ud800"``: a lone UTF-16 surrogate that no database can store as
UTF-8 text, so one escaped character in an API body or a webhook would end in a 500 when the
row is written. ``loads_strict`` refuses such a document the way it refuses malformed JSON.
"""

import json


def loads_strict(raw: bytes | str):
    """``json.loads`` that also refuses lone surrogates (raises ``json.JSONDecodeError``)."""
    data = json.loads(raw)
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise json.JSONDecodeError("a string holds an unpaired surrogate", "", exc.start) from None
    return data
