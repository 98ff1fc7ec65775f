"""The OpenAPI document's finishing touches: words and examples for every parameter, the
errors every endpoint can answer, the CSV form of each list, and the date range ``as_of`` takes.

The schema promises exactly what the API does (schemathesis holds it to that in the test
suite), so rules the server enforces are written into it: e.g. no null characters in text,
``as_of`` between 2019-01-01 and today.
"""

from django.utils import timezone

from councils.choices import OfstedJudgement, PilotStatus, Region
from councils.filters import HISTORY_STARTS, MAX_MONEY

NO_NULLS = "^[^\\x00]*$"

# CouncilFilter's labels are written for the tracker's form; the API says more.
COUNCIL_PARAMETERS = {
    "q": ("Search councils' names, official names and other spellings.", "hereford"),
    "status": (
        "Only councils with these pilot statuses; repeat for several (`status=declined&status=considering`). "
        "With `as_of`, the status as it stood then. Without `status`, the list shows councils in the pilot.",
        [PilotStatus.DECLINED.value],
    ),
    "scope": ("`all` lists all 153 councils; `pilot` (the default) those the pilot has touched.", "all"),
    "region": ("Only councils in these English regions; repeat for several.", [Region.WEST_MIDLANDS.value]),
    "ofsted_judgement": (
        "Only councils whose children's services Ofsted judgement is one of these; repeat for several.",
        [OfstedJudgement.INADEQUATE.value],
    ),
    "in_safety_valve": ("`true` for councils in the DfE safety valve programme, `false` for those outside it.", False),
    "partnership": (
        "Only councils in this regional expert partnership, by its slug. An unknown slug answers 404 naming `partnership`.",
        None,
    ),
    "as_of": (
        f"Rebuild each council's status as it stood at the end of this date (YYYY-MM-DD, from {HISTORY_STARTS} to today); "
        "the answer carries it in `status_as_of`.",
        "2023-05-19",
    ),
    "ordering": (
        "Sort by these fields; prefix `-` for descending (`-updated`: most recent status change first). By name unless set.",
        ["-updated"],
    ),
}

EXAMPLES = {
    "since": "2023-05-01",
    "until": "2023-05-31",
    "council": "herefordshire",
    "value_min": 10000,
    "value_max": 20000,
    "status": ["declined"],
    "region": ["West Midlands"],
}

# Bounds the FilterSets enforce and the schema must state.
BOUNDS = {
    "value_min": {"minimum": 0, "maximum": int(MAX_MONEY)},
    "value_max": {"minimum": 0, "maximum": int(MAX_MONEY)},
}

PATH_PARAMETERS = {
    "slug": "The object's slug, as in its public page address (e.g. `herefordshire`).",
    "id": "The object's number, as in its `id` field.",
}

FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": (
        "`json` (the default) or `csv`. CSV has a header row, one row per object (every matching row, "
        "not one page), nested objects as dotted columns and lists joined with “; ”."
    ),
    "schema": {"type": "string", "enum": ["json", "csv"]},
    "example": "csv",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "What went wrong. `detail` explains a general error; otherwise each key names the query parameter "
        'at fault, with the reasons, e.g. `{"page": ["Page 9 is out of range: there are 2 pages."]}`.'
    ),
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "example": {"status": ["Select a valid choice. decided is not one of the available choices."]},
}

ERRORS = {
    "400": "A query parameter has a value the API cannot use; the body names it.",
    "404": "No such object, a page past the last, or a filter naming something that does not exist; the body says which.",
    "406": "The `Accept` header asks for something other than JSON or CSV.",
    "429": "Too many requests from this address; the `Retry-After` header says how many seconds to wait.",
}


DAYS = {
    28: "(0[1-9]|1[0-9]|2[0-8])",
    29: "(0[1-9]|[12][0-9])",
    30: "(0[1-9]|[12][0-9]|30)",
    31: "(0[1-9]|[12][0-9]|3[01])",
}


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year, month):
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _whole_year(leap):
    return f"((0[13578]|1[02])-{DAYS[31]}|(0[469]|11)-{DAYS[30]}|02-{DAYS[29 if leap else 28]})"


def dates_until(today, first_year=HISTORY_STARTS.year):
    """A regular expression matching exactly the dates from 1 January ``first_year`` to ``today``."""
    years = range(first_year, today.year)
    alternatives = []
    for leap in (False, True):
        chosen = [str(year) for year in years if _is_leap(year) == leap]
        if chosen:
            alternatives.append(f"({'|'.join(chosen)})-{_whole_year(leap)}")
    months = [f"{month:02d}-{DAYS[_month_length(today.year, month)]}" for month in range(1, today.month)]
    days_this_month = "|".join(f"{day:02d}" for day in range(1, today.day + 1))
    months.append(f"{today.month:02d}-({days_this_month})")
    alternatives.append(f"{today.year}-({'|'.join(months)})")
    return f"^({'|'.join(alternatives)})$"


def _describe_parameter(operation_id, parameter):
    name = parameter["name"]
    schema = parameter.setdefault("schema", {})
    if operation_id == "councils_list" and name in COUNCIL_PARAMETERS:
        description, example = COUNCIL_PARAMETERS[name]
        parameter["description"] = description
        if example is not None:
            parameter["example"] = example
    elif name in EXAMPLES and "example" not in parameter:
        parameter["example"] = EXAMPLES[name]
    if parameter.get("in") == "path" and not parameter.get("description"):
        parameter["description"] = PATH_PARAMETERS.get(name, "")
    schema.update(BOUNDS.get(name, {}))
    if schema.get("type") == "array":
        # An empty list cannot be told from an empty value on the wire; both are refused.
        schema["minItems"] = 1
    if name == "as_of":
        schema["pattern"] = dates_until(timezone.localdate())
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema and "pattern" not in schema:
        schema["pattern"] = NO_NULLS


def describe_api(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            operation_id = operation.get("operationId", "")
            parameters = operation.setdefault("parameters", [])
            for parameter in parameters:
                _describe_parameter(operation_id, parameter)
            existing = [p for p in parameters if p["name"] == "format"]
            if existing:
                existing[0].update(FORMAT_PARAMETER)
            else:
                parameters.append(dict(FORMAT_PARAMETER))
            responses = operation.setdefault("responses", {})
            ok = responses.get("200", {})
            if "text/csv" in ok.get("content", {}):
                ok["content"]["text/csv"] = {
                    "schema": {"type": "string", "description": "UTF-8 CSV with a header row."},
                }
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": error_ref})
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
    return result
