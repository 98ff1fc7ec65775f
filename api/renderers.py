"""JSON and CSV for every list.

JSON: DRF's own bytes, written by orjson (``FastJSONRenderer``). CSV: a header row, one row per object, nested objects flattened.

Written here rather than adopted: djangorestframework-csv is unmaintained, and what
the API needs is small. Nested objects become dotted columns (``council.gss_code``);
lists join their values with "; " (``councils.slug`` = ``herefordshire; brighton-and-hove``).
Text starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is prefixed
with an apostrophe so a spreadsheet shows it rather than running it as a formula.
``?bom=1`` starts the file with a UTF-8 byte order mark, for Excel.
"""

import csv
import io
from decimal import Decimal

import orjson
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils import encoders

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise(text):
    """A cell a spreadsheet will show as text, never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        # Numbers are numbers: -2.7 (a longitude) is not a formula.
        return str(value)
    return neutralise(str(value))


def columns_for(serializer, prefix=""):
    """Column names for a serializer, in field order, nested serializers flattened."""
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            names += columns_for(field, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def flatten(value, prefix, row):
    """Write ``value`` into ``row`` under dotted keys starting with ``prefix``."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else key, row)
    elif isinstance(value, list):
        parts = {}
        for item in value:
            flat = {}
            flatten(item, prefix, flat)
            for key, text in flat.items():
                parts.setdefault(key, []).append(text)
        for key, texts in parts.items():
            row[key] = LIST_SEPARATOR.join(text for text in texts if text)
    else:
        row[prefix] = cell(value)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            objects = data["results"]
        elif isinstance(data, list):
            objects = data
        else:
            objects = [data]

        header = columns_for(view.get_serializer()) if view is not None and hasattr(view, "get_serializer") else []
        rows = []
        for obj in objects:
            row = {}
            flatten(obj, "", row)
            rows.append(row)
        for row in rows:
            header += [key for key in row if key not in header and key]

        out = io.StringIO()
        request = renderer_context.get("request")
        if request is not None and request.query_params.get("bom") == "1":
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode(self.charset)


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON, byte for byte, written by orjson (several times faster on a list of 150 councils).

    DRF's renderer writes compact UTF-8 with ``json.dumps`` and escapes U+2028 and U+2029;
    orjson writes the same bytes for the API's dicts, lists, strings, numbers and nulls.
    Anything else (a date, a Decimal, a lazy string) goes through DRF's own encoder. Where the
    two could differ, the answer is DRF's: an indented response (``; indent=``), a float
    orjson spells with a one-digit negative exponent (``1e-7``, where Python writes ``1e-07``),
    and anything orjson refuses (an integer beyond 64 bits). One difference is deliberate: a
    float that is not a number (NaN, infinity) is written ``null`` where DRF's strict renderer
    raised (a 500).
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=_ENCODER.default, option=_ORJSON_OPTIONS)
        except (orjson.JSONEncodeError, TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
        if _has_short_negative_exponent(out):
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80" in out:  # U+2028 and U+2029 begin so; a 40 KB page rarely holds either
            out = out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return out


_ENCODER = encoders.JSONEncoder()
# Dates, times, dataclasses and non-dict/list subclasses go to DRF's encoder, as json.dumps would send them.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_DIGITS = frozenset(b"0123456789")
_NUMERALS = tuple(bytes([digit]) for digit in b"0123456789")  # one byte each, as out[i : i + 1] reads it


def _has_short_negative_exponent(out):
    """Whether ``out`` holds a digit, ``e-``, then exactly one digit: ``1e-7``, which Python writes ``1e-07``.

    Looks only where ``e-`` is (a fast substring search): a regular expression starting with a
    class of digits tried every byte of a 40 KB page, a tenth of the list's time.
    """
    at = out.find(b"e-")
    while at != -1:
        one_digit_after = at + 2 < len(out) and out[at + 2] in _DIGITS and out[at + 3 : at + 4] not in _NUMERALS
        if one_digit_after and at > 0 and out[at - 1] in _DIGITS:
            return True
        at = out.find(b"e-", at + 2)
    return False
