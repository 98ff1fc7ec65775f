"""Importing status changes from a CSV, every row through councils.services.council_set_status.

Columns: council (register code or slug), status (value or label), effective_on
(YYYY-MM-DD), note, source_url; optional source_title. Every row is checked first,
then all are recorded in one transaction: one bad row and nothing is recorded.
A row already recorded (same council, status and effective date) is skipped, so a
re-run changes nothing.
"""

import csv
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from .choices import PilotStatus
from .models import Council, StatusChange
from .services import StatusChangeRefused, council_set_status

COLUMNS = ("council", "status", "effective_on", "note", "source_url")
OPTIONAL_COLUMNS = ("source_title",)
# Friendlier spellings accepted in the header row.
COLUMN_ALIASES = {
    "council code": "council",
    "council_code": "council",
    "code": "council",
    "slug": "council",
    "effective date": "effective_on",
    "effective_date": "effective_on",
    "date": "effective_on",
    "source url": "source_url",
    "source": "source_url",
    "source title": "source_title",
    "public note": "note",
}

STATUS_LOOKUP = {
    **{status.value: status for status in PilotStatus},
    **{status.label.lower(): status for status in PilotStatus},
}


class StatusImportError(Exception):
    """A malformed file or row: the message names the line and the field."""


@dataclass
class StatusRow:
    line: int
    council: Council
    status: PilotStatus
    effective_on: datetime.date
    note: str
    source_url: str
    source_title: str


@dataclass
class StatusImportResult:
    recorded: int = 0
    already_recorded: int = 0

    def __str__(self):
        return f"{self.recorded} recorded, {self.already_recorded} already recorded"


def _column(name):
    name = (name or "").strip().lower()
    return COLUMN_ALIASES.get(name, name.replace(" ", "_"))


def read_status_rows(path):
    """Every row parsed and checked against the database, or StatusImportError listing every problem."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        raise StatusImportError(f"Cannot read {path}: {error.strerror}.") from error
    councils = {}
    for council in Council.objects.all():
        councils[council.code.lower()] = council
        councils[council.slug.lower()] = council
    url = URLValidator()
    problems, rows = [], []
    with handle:
        reader = csv.reader(handle)
        try:
            header = [_column(name) for name in next(reader, [])]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise StatusImportError(f"Line 1: missing column(s) {', '.join(missing)}.")
            for raw in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in raw):
                    continue
                row = {name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header)}

                def fail(field, message, line=line):
                    problems.append(f"Line {line}, field “{field}”: {message}")

                council = councils.get(row["council"].lower())
                if not row["council"]:
                    fail("council", "is empty.")
                elif council is None:
                    fail("council", f"no council has the code or slug “{row['council']}”.")
                status = STATUS_LOOKUP.get(row["status"].lower())
                if status is None:
                    choices = ", ".join(s.value for s in PilotStatus)
                    fail("status", f"“{row['status']}” is not a status (use one of: {choices}).")
                try:
                    effective_on = datetime.date.fromisoformat(row["effective_on"])
                except ValueError:
                    effective_on = None
                    fail("effective_on", f"“{row['effective_on']}” is not a date in the form YYYY-MM-DD.")
                if row["source_url"]:
                    try:
                        url(row["source_url"])
                    except ValidationError:
                        fail("source_url", f"“{row['source_url']}” is not a valid URL.")
                if council and status and effective_on:
                    rows.append(
                        StatusRow(
                            line,
                            council,
                            status,
                            effective_on,
                            row["note"],
                            row["source_url"],
                            row.get("source_title", ""),
                        )
                    )
        except csv.Error as error:
            raise StatusImportError(f"Line {reader.line_num}: the file is not valid CSV ({error}).") from error
        except UnicodeDecodeError as error:
            raise StatusImportError(f"The file is not UTF-8 text ({error.reason}).") from error
    if problems:
        raise StatusImportError("\n".join(problems))
    return rows


def import_statuses(rows, by=None):
    """Record each row's move through the one door, all or nothing."""
    result = StatusImportResult()
    problems = []
    with transaction.atomic():
        recorded = set(
            StatusChange.objects.filter(council__in={row.council.pk for row in rows}).values_list(
                "council_id", "to_status", "effective_on"
            )
        )
        for row in rows:
            if (row.council.pk, row.status.value, row.effective_on) in recorded:
                result.already_recorded += 1
                continue
            try:
                council_set_status(
                    council=row.council,
                    status=row.status,
                    effective_on=row.effective_on,
                    note=row.note,
                    source_url=row.source_url,
                    source_title=row.source_title,
                    by=by,
                )
            except (StatusChangeRefused, PermissionDenied) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                field = "effective_on" if getattr(error, "error_dict", None) else "status"
                problems.append(f"Line {row.line}, field “{field}”: {' '.join(messages)}")
            else:
                result.recorded += 1
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise StatusImportError("\n".join(problems))
    return result
