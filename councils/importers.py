"""Reading the register of English education authorities (mySociety, MIT licence)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .choices import CouncilType, Region
from .models import Council

DEFAULT_CSV = Path(__file__).resolve().parent / "data" / "england-education-authorities.csv"
# Known errors in the shipped register, corrected on import, each with its source (see data/README.md).
CORRECTIONS_CSV = Path(__file__).resolve().parent / "data" / "corrections.csv"

REQUIRED_COLUMNS = (
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "old-ons-la-code",
    "region",
    "local-authority-type",
    "gov-uk-slug",
    "pop-2020",
    "lat",
    "long",
    "alt-names",
)


class CouncilImportError(Exception):
    """A malformed file or row: the message names the line and the field."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _fail(line, field, message):
    raise CouncilImportError(f"Line {line}, field “{field}”: {message}")


def parse_row(row, line):
    """Turn one CSV row into Council field values, or fail naming the line and field."""

    def text(field, required=True):
        value = (row.get(field) or "").strip()
        if required and not value:
            _fail(line, field, "is empty.")
        return value

    def number(field, kind, required=False):
        value = text(field, required=required)
        if not value:
            return None
        try:
            return kind(float(value)) if kind is int else kind(value)
        except ValueError:
            _fail(line, field, f"“{value}” is not a number.")

    code = text("local-authority-code")
    if len(code) != 3 or not code.isalpha():
        _fail(line, "local-authority-code", f"“{code}” is not a three-letter code.")
    gss = text("gss-code")
    if len(gss) != 9 or not gss.startswith("E"):
        _fail(line, "gss-code", f"“{gss}” is not an English nine-character GSS code.")
    region = text("region")
    if region not in Region.values:
        _fail(line, "region", f"“{region}” is not one of the nine English regions.")
    council_type = text("local-authority-type")
    if council_type not in CouncilType.values:
        _fail(line, "local-authority-type", f"“{council_type}” is not a known type ({', '.join(CouncilType.values)}).")
    latitude = number("lat", float)
    longitude = number("long", float)
    if latitude is not None and not 49 <= latitude <= 56:
        _fail(line, "lat", f"{latitude} is outside England.")
    if longitude is not None and not -7 <= longitude <= 2:
        _fail(line, "long", f"{longitude} is outside England.")
    short_name = text("nice-name")
    return {
        "code": code.upper(),
        "name": text("official-name"),
        "short_name": short_name,
        "slug": slugify(short_name),
        "gss_code": gss,
        "la_number": number("old-ons-la-code", int),
        "region": region,
        "council_type": council_type,
        "gov_uk_slug": text("gov-uk-slug", required=False),
        "population": number("pop-2020", int),
        "latitude": latitude,
        "longitude": longitude,
        "alt_names": text("alt-names", required=False),
    }


def read_corrections(path=CORRECTIONS_CSV):
    """{code: {column: value}} from the corrections file (code, field, value, source)."""
    corrections = {}
    if not Path(path).exists():
        return corrections
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["field"] not in REQUIRED_COLUMNS:
                raise CouncilImportError(f"{Path(path).name}: “{row['field']}” is not a column of the register.")
            corrections.setdefault(row["code"], {})[row["field"]] = row["value"]
    return corrections


def read_councils(path, corrections=None):
    """Every row parsed, or an CouncilImportError before anything is written.

    ``corrections`` ({code: {column: value}}) replace known errors in the register
    before the row is validated; by default those in councils/data/corrections.csv.
    """
    corrections = read_corrections() if corrections is None else corrections
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        raise CouncilImportError(f"Cannot read {path}: {error.strerror}.") from error
    with handle:
        reader = csv.DictReader(handle)
        missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise CouncilImportError(f"Line 1: missing column(s) {', '.join(missing)}.")
        rows = []
        seen = {}
        try:
            for row in reader:
                row.update(corrections.get((row.get("local-authority-code") or "").strip(), {}))
                values = parse_row(row, reader.line_num)
                for unique in ("code", "slug", "gss_code"):
                    key = (unique, values[unique])
                    if key in seen:
                        _fail(reader.line_num, unique, f"“{values[unique]}” repeats line {seen[key]}.")
                    seen[key] = reader.line_num
                rows.append(values)
        except (csv.Error, UnicodeDecodeError) as error:
            raise CouncilImportError(f"Line {reader.line_num}: the file is not valid CSV ({error}).") from error
    return rows


@transaction.atomic
def import_councils(rows, progress=None):
    """Create or update councils by register code. Editorial fields are never touched."""
    result = ImportResult()
    existing = {council.code: council for council in Council.objects.all()}
    for values in rows:
        council = existing.get(values["code"])
        if council is None:
            Council.objects.create(**values)
            result.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(council, name) != value]
            if changed:
                for name in changed:
                    setattr(council, name, values[name])
                council.full_clean(validate_unique=False)
                council.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        if progress:
            progress()
    return result
