"""A JSON string escape that no database can store is refused like malformed JSON."""

import json

import pytest

from clients.models import Client
from core.jsontext import loads_strict


def test_valid_json_and_surrogate_pairs_are_read():
    assert loads_strict('{"a": "Ol\\u00e1 \\ud83d\\ude00"}') == {"a": "Olá 😀"}


@pytest.mark.parametrize("raw", ['"\\ud800"', '{"a": ["x", "\\udfff"]}', '{"\\ud800": 1}'])
def test_an_unpaired_surrogate_is_a_decode_error(raw):
    with pytest.raises(json.JSONDecodeError):
        loads_strict(raw)


@pytest.mark.django_db
def test_the_api_answers_400_and_stores_nothing(api_as, manager):
    body = '{"kind": "person", "first_name": "Ana\\ud800"}'
    response = api_as(manager).post("/api/v1/clients/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Client.objects.exists()
