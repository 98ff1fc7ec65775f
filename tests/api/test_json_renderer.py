"""The API's JSON is DRF's, byte for byte, however it is written (api/renderers.py's FastJSONRenderer)."""

import datetime
import decimal

import pytest
from rest_framework.renderers import JSONRenderer

from api.renderers import FastJSONRenderer, _has_short_negative_exponent

PAYLOADS = [
    {"name": "Stoke-on-Trent", "note": "Wirral: the e-mail came"},
    {"count": 3, "latitude": 52.9, "small": 1e-7, "smaller": 2.5e-9},
    {"small": 1e-17, "text": "1e-7 written as text"},
    [1e-05, 3e-10, -4e-8, 0.1, 1e22, 1e-100],
    {"quote": "She said \u2028 then \u2029 stopped", "accents": "Café – “quoted”"},
    {"when": datetime.date(2023, 5, 3), "at": datetime.datetime(2023, 8, 1, 9, 30), "money": decimal.Decimal("70.00")},
    {"nested": [{"slug": "north-east-lincolnshire", "e": "e-"}, None, True, False]},
    "e-",
    "1e-",
    {"ends": 5e-7},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_json_is_drfs_byte_for_byte(payload):
    assert FastJSONRenderer().render(payload) == JSONRenderer().render(payload)


@pytest.mark.parametrize(
    ("text", "short"),
    [
        (b'{"a":1e-7}', True),
        (b"[1e-7]", True),
        (b"1e-7", True),
        (b'{"a":1e-17}', False),
        (b'"Stoke-on-Trent"', False),
        (b'"the-e-mail"', False),
        (b"e-1", False),
        (b"1e-", False),
        (b'{"a":1e-07}', False),
        (b'"Stoke-on-Trent",[2e-5]', True),
    ],
)
def test_a_one_digit_negative_exponent_is_found_wherever_it_is(text, short):
    assert _has_short_negative_exponent(text) is short
