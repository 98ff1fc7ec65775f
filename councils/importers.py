"""Reading the register of English education authorities (mySociety, MIT licence) and the NHS
integrated care board of each (ONS lookup, Open Government Licence v3.0): see data/README.md."""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .choices import CouncilType, Region
from .models import Council, CouncilCareBoard, IntegratedCareBoard

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_CSV = DATA / "england-education-authorities.csv"
# Known errors in the shipped register, corrected on import, each with its source (see data/README.md).
CORRECTIONS_CSV = DATA / "corrections.csv"
CARE_BOARDS_CSV = DATA / "authority-icb.csv"

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


# --- care boards --------------------------------------------------------------------------------

CARE_BOARD_COLUMNS = ("gss_code", "authority_name", "icb_code", "icb_name", "share_note")
ICB_CODE = re.compile(r"E54[0-9]{6}")


@dataclass
class CareBoardImportResult:
    boards: ImportResult = field(default_factory=ImportResult)
    councils: ImportResult = field(default_factory=ImportResult)
    straddling: int = 0

    def __str__(self):
        return (
            f"Care boards: {self.boards}. Councils' boards: {self.councils} "
            f"({self.straddling} council{'s' if self.straddling != 1 else ''} in more than one board)"
        )


def _open_csv(path):
    try:
        return open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - the caller closes it
    except OSError as error:
        raise CouncilImportError(f"Cannot read {path}: {error.strerror}.") from error


def read_care_boards(path=CARE_BOARDS_CSV):
    """Every row of the authority-to-care-board lookup checked, or a CouncilImportError before anything is written.

    Returns ``{gss_code: [(icb_code, icb_name, share_note), ...]}`` in the file's order (the main
    part first). Every authority must already be a council (run import_councils first).
    """
    councils = set(Council.objects.values_list("gss_code", flat=True))
    with _open_csv(path) as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in CARE_BOARD_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise CouncilImportError(f"Line 1: missing column(s) {', '.join(missing)}.")
        boards, names, seen = {}, {}, {}
        try:
            for row in reader:
                line = reader.line_num
                gss, code = (row.get("gss_code") or "").strip(), (row.get("icb_code") or "").strip()
                name, share_note = (row.get("icb_name") or "").strip(), (row.get("share_note") or "").strip()
                if not gss:
                    _fail(line, "gss_code", "is empty.")
                if gss not in councils:
                    _fail(line, "gss_code", f"no council has the GSS code “{gss}” (run import_councils first).")
                if not ICB_CODE.fullmatch(code):
                    _fail(line, "icb_code", f"“{code}” is not an ONS care board code (E54 and six digits).")
                if not name:
                    _fail(line, "icb_name", "is empty.")
                if code in names and names[code][0] != name:
                    _fail(line, "icb_name", f"“{name}” differs from the name on line {names[code][1]} for {code}.")
                names.setdefault(code, (name, line))
                if (gss, code) in seen:
                    _fail(line, "icb_code", f"{gss} in {code} repeats line {seen[gss, code]}.")
                seen[gss, code] = line
                boards.setdefault(gss, []).append((code, name, share_note))
        except (csv.Error, UnicodeDecodeError) as error:
            raise CouncilImportError(f"Line {reader.line_num}: the file is not valid CSV ({error}).") from error
    if not boards:
        raise CouncilImportError("The file has no rows.")
    return boards


@transaction.atomic
def import_care_boards(boards, progress=None):
    """Create or update the care boards (by ONS code) and set each listed council's boards as the file says.

    Councils the file does not list keep whatever boards they have.
    """
    result = CareBoardImportResult()
    by_code = {board.code: board for board in IntegratedCareBoard.objects.exclude(code="")}
    by_name = {board.name: board for board in IntegratedCareBoard.objects.filter(code="")}
    wanted = {}
    for links in boards.values():
        for code, name, _note in links:
            wanted[code] = name
    for code, name in wanted.items():
        board = by_code.get(code) or by_name.get(name)
        if board is None:
            board = IntegratedCareBoard(code=code, name=name, slug=slugify(name)[:200])
            _save_board(board)
            result.boards.created += 1
        elif (board.code, board.name) != (code, name):
            board.code, board.name = code, name
            _save_board(board)
            result.boards.updated += 1
        else:
            result.boards.unchanged += 1
        by_code[code] = board

    councils = Council.objects.in_bulk(list(boards), field_name="gss_code")
    existing = {}
    for link in CouncilCareBoard.objects.filter(council__in=councils.values()).order_by("council", "position"):
        existing.setdefault(link.council_id, []).append((link.care_board_id, link.position, link.share_note))
    for gss, links in boards.items():
        council = councils[gss]
        desired = [(by_code[code].pk, position, note) for position, (code, _name, note) in enumerate(links)]
        before = existing.get(council.pk, [])
        if len(desired) > 1:
            result.straddling += 1
        if before == desired:
            result.councils.unchanged += 1
        else:
            CouncilCareBoard.objects.filter(council=council).delete()
            CouncilCareBoard.objects.bulk_create(
                CouncilCareBoard(council=council, care_board_id=board_id, position=position, share_note=note)
                for board_id, position, note in desired
            )
            if before:
                result.councils.updated += 1
            else:
                result.councils.created += 1
        if progress:
            progress()
    return result


def _save_board(board):
    try:
        board.full_clean()
    except ValidationError as error:
        raise CouncilImportError(f"Care board {board.code} ({board.name}): {' '.join(error.messages)}") from error
    board.save()
