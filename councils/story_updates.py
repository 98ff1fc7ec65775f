"""The story since the seed article, loaded as the tracker would have recorded it.

On 23 August 2023 the Department for Education named 32 councils in nine regional expert
partnerships; on 5 October 2023 the partnerships were renamed Change Programme
Partnerships. From the shipped files (see data/README.md):

* ``change-programme-partnerships-2023.csv``: each council's status change dated 23 August
  2023 through ``council_set_status``, with the row's source (leads and joint leads become
  "confirmed as lead", partners "partner council"), matched by GSS code;
* ``change-programme-events.csv``: the programme's public timeline, each date to its
  precision, and the source of the rename (the event of 5 October 2023);
* the key figures the announcement reported, with their own date and source.

The partnerships themselves are built by ``councils.story_partnerships.load_partnerships``
from the same rows. Every row of both files is checked before anything is written; then
all is written in one transaction. Anything already recorded is left as it is, so running
it again changes nothing.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from .choices import DatePrecision, PilotStatus, ProgrammeNameOf, Region
from .models import Council, KeyFigure, Programme, ProgrammeEvent, StatusChange
from .services import StatusChangeRefused, council_set_status, programme_rename

DATA = Path(__file__).resolve().parent / "data"
PARTNERSHIPS_CSV = DATA / "change-programme-partnerships-2023.csv"
EVENTS_CSV = DATA / "change-programme-events.csv"

ANNOUNCED_ON = datetime.date(2023, 8, 23)
RENAMED_ON = datetime.date(2023, 10, 5)
PARTNERSHIPS_NAME = "Change Programme Partnerships"
# Each partnership's descriptive name in the file, and the words it had before the rename.
PARTNERSHIP_SUFFIX, FORMER_PARTNERSHIP_SUFFIX = "Change Programme Partnership", "regional expert partnership"

ROLES = ("lead", "joint_lead", "partner")
LEAD_ROLES = ("lead", "joint_lead")
PARTNERSHIP_COLUMNS = ("region", "partnership_name", "council_name", "gss_code", "role", "source_url", "source_title")
EVENT_COLUMNS = ("date", "event", "source_url", "source_title")

TES_ANNOUNCEMENT = "https://tes.com/magazine/news/specialist-sector/send-reforms-dfe-names-pilot-areas"
DFE_PRESS_RELEASE = (
    "https://www.wired-gov.net/wg/news.nsf/articles/more+support+for+children+with+special+educational+needs"
    "+23082023111000?open"
)
# The figures the announcement reported: (key, label, value, unit, note, source URL of an event that day).
AUGUST_FIGURES = [
    (
        "councils-named",
        "councils named to test the reforms in partnerships",
        Decimal("32"),
        "councils",
        "One published list omits Worcestershire (31); Telford and Wrekin's and Herefordshire's own pages include it.",
        TES_ANNOUNCEMENT,
    ),
    ("partnerships-named", "regional partnerships named", Decimal("9"), "partnerships", "", TES_ANNOUNCEMENT),
    ("funding-announced", "announced to back the programme", Decimal("70000000"), "£", "", DFE_PRESS_RELEASE),
]

# What a council said before the announcement, in the words its note opens with.
NOTE_OPENINGS = {
    PilotStatus.DECLINED: "Having declined to lead a partnership, it was named",
    PilotStatus.CONSIDERING: "After considering whether to lead a partnership, it was named",
}


class StoryLoadError(Exception):
    """A bad row or a refused change: the message names the line and the field. Nothing was loaded."""


@dataclass(frozen=True)
class MemberRow:
    line: int
    region: Region
    partnership_name: str
    council: Council
    role: str
    source_url: str
    source_title: str

    @property
    def is_lead(self):
        return self.role in LEAD_ROLES


@dataclass(frozen=True)
class EventRow:
    line: int
    happened_on: datetime.date
    precision: DatePrecision
    text: str
    source_url: str
    source_title: str


@dataclass
class StoryResult:
    statuses_recorded: int = 0
    statuses_already: int = 0
    events_added: int = 0
    figures_added: int = 0
    renamed: bool = False

    def __str__(self):
        return (
            f"{self.statuses_recorded} status changes recorded ({self.statuses_already} already recorded), "
            f"{self.events_added} events and {self.figures_added} key figures added, "
            f"partnerships {'renamed' if self.renamed else 'already renamed'}"
        )


def name_before_rename(name):
    """A partnership's name as it was before 5 October 2023: "… regional expert partnership"."""
    return name.removesuffix(PARTNERSHIP_SUFFIX) + FORMER_PARTNERSHIP_SUFFIX


def partnerships_in(rows):
    """The rows grouped by partnership, in the file's order, leads first within each."""
    grouped = {}
    for row in rows:
        grouped.setdefault(row.partnership_name, []).append(row)
    return {name: sorted(members, key=lambda row: not row.is_lead) for name, members in grouped.items()}


def _read(path, columns, parse_row):
    """Each row of ``path`` through ``parse_row(line, row, fail)``, or StoryLoadError listing every problem.

    A row for which ``fail`` was called is left out, whatever ``parse_row`` returned.
    """
    problems, parsed = [], []
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in columns if column not in (reader.fieldnames or [])]
            if missing:
                raise StoryLoadError(f"{path.name}, line 1: missing column(s) {', '.join(missing)}.")
            for raw in reader:
                line = reader.line_num
                if not any((value or "").strip() for value in raw.values()):
                    continue
                row = {column: (raw.get(column) or "").strip() for column in columns}

                def fail(column, message, line=line):
                    problems.append(f"{path.name}, line {line}, field “{column}”: {message}")

                before = len(problems)
                result = parse_row(line, row, fail)
                if len(problems) == before:
                    parsed.append(result)
    except OSError as error:
        raise StoryLoadError(f"Cannot read {path}: {error.strerror}.") from error
    except csv.Error as error:
        raise StoryLoadError(f"{path.name}: the file is not valid CSV ({error}).") from error
    except UnicodeDecodeError as error:
        raise StoryLoadError(f"{path.name}: the file is not UTF-8 text ({error.reason}).") from error
    if problems:
        raise StoryLoadError("\n".join(problems))
    return parsed


def _check_url(row, fail):
    try:
        URLValidator()(row["source_url"])
    except ValidationError:
        fail("source_url", f"“{row['source_url']}” is not a valid URL.")


def read_partnership_rows(path=PARTNERSHIPS_CSV):
    """The partnerships file, every row checked against the councils: a list of MemberRow."""
    councils = {council.gss_code: council for council in Council.objects.all()}
    regions = {region.value.casefold(): region for region in Region}
    seen = {}

    def parse(line, row, fail):
        council = councils.get(row["gss_code"])
        if council is None:
            fail("gss_code", f"no council has the GSS code “{row['gss_code']}”.")
        elif row["council_name"].casefold() not in _names_of(council):
            fail("council_name", f"“{row['council_name']}” is not {row['gss_code']}, which is {council}.")
        elif council.pk in seen:
            fail("gss_code", f"{council} is already on line {seen[council.pk]}.")
        else:
            seen[council.pk] = line
        region = regions.get(row["region"].casefold())
        if region is None:
            fail("region", f"“{row['region']}” is not an English region.")
        if not row["partnership_name"].endswith(PARTNERSHIP_SUFFIX):
            fail("partnership_name", f"should end “{PARTNERSHIP_SUFFIX}”.")
        if row["role"] not in ROLES:
            fail("role", f"“{row['role']}” is not a role (use one of: {', '.join(ROLES)}).")
        _check_url(row, fail)
        return MemberRow(
            line, region, row["partnership_name"], council, row["role"], row["source_url"], row["source_title"]
        )

    rows = _read(Path(path), PARTNERSHIP_COLUMNS, parse)
    problems = []
    for name, members in partnerships_in(rows).items():
        roles = [row.role for row in members]
        if not any(row.is_lead for row in members):
            problems.append(f"{Path(path).name}, line {members[0].line}, field “role”: {name} has no lead council.")
        if roles.count("joint_lead") == 1:
            row = next(row for row in members if row.role == "joint_lead")
            problems.append(
                f"{Path(path).name}, line {row.line}, field “role”: the only joint lead of {name} (use “lead”)."
            )
    if problems:
        raise StoryLoadError("\n".join(problems))
    return rows


def _names_of(council):
    alt_names = [name.strip().casefold() for name in council.alt_names.split(",") if name.strip()]
    return {council.short_name.casefold(), council.name.casefold(), *alt_names}


def read_event_rows(path=EVENTS_CSV):
    """The events file, every row checked: a list of EventRow, in the file's order."""
    seen = {}

    def parse(line, row, fail):
        happened_on = precision = None
        try:
            if len(row["date"]) == 7:
                happened_on = datetime.date.fromisoformat(row["date"] + "-01")
                precision = DatePrecision.MONTH
            else:
                happened_on = datetime.date.fromisoformat(row["date"])
                precision = DatePrecision.DAY
        except ValueError:
            fail("date", f"“{row['date']}” is not a date in the form YYYY-MM-DD or YYYY-MM.")
        if not row["event"]:
            fail("event", "is empty.")
        _check_url(row, fail)
        key = (happened_on, row["source_url"])
        if happened_on and key in seen:
            fail("source_url", f"line {seen[key]} has the same date and source: one event per source and day.")
        seen.setdefault(key, line)
        return EventRow(line, happened_on, precision, row["event"], row["source_url"], row["source_title"])

    return _read(Path(path), EVENT_COLUMNS, parse)


@transaction.atomic
def load_story_updates(*, members, events, by=None):
    """Record the announcement's status changes, the rename, the events and the figures: all or nothing."""
    programme = Programme.objects.current()
    if programme is None:
        raise StoryLoadError("There is no programme yet: load the seed story first (manage.py load_seed_story).")
    result = StoryResult()
    _record_statuses(members, by, result)
    result.renamed = _rename_partnerships(programme, events)
    result.events_added = _add_events(programme, events)
    result.figures_added = _add_key_figures(programme, events)
    return result


def _record_statuses(members, by, result):
    """Each council's move on 23 August 2023, through the one door; a refusal names its line."""
    problems = []
    groups = partnerships_in(members)
    for row in members:
        council = row.council
        council.refresh_from_db(fields=["status", "status_effective_on"])
        status = PilotStatus.CONFIRMED_LEAD if row.is_lead else PilotStatus.PARTNER
        recorded = StatusChange.objects.filter(council=council, to_status=status, effective_on=ANNOUNCED_ON)
        if council.status == status or recorded.exists():
            result.statuses_already += 1
            continue
        try:
            council_set_status(
                council=council,
                status=status,
                effective_on=ANNOUNCED_ON,
                note=status_note(row, groups[row.partnership_name]),
                source_url=row.source_url,
                source_title=row.source_title,
                by=by,
            )
        except (StatusChangeRefused, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            problems.append(f"{PARTNERSHIPS_CSV.name}, line {row.line}, field “role”: {' '.join(messages)}")
        else:
            result.statuses_recorded += 1
    if problems:
        raise StoryLoadError("\n".join(problems))


def status_note(row, members):
    """The public note of a council's change on 23 August 2023, naming its partnership as it was then called."""
    others = [member.council.short_name for member in members if member.council != row.council]
    leads = [member.council.short_name for member in members if member.is_lead and member.council != row.council]
    partnership = f"the {name_before_rename(row.partnership_name)}"
    if row.role == "lead":
        what = f"to lead {partnership}, with {_and(others)}"
    elif row.role == "joint_lead":
        partners = [member.council.short_name for member in members if not member.is_lead]
        what = f"as a joint lead of {partnership}, with {_and(leads)}"
        what += f" (partners: {_and(partners)})" if partners else ""
    else:
        what = f"as a partner council in {partnership}, led {'jointly ' if len(leads) > 1 else ''}by {_and(leads)}"
    opening = NOTE_OPENINGS.get(PilotStatus(row.council.status), "Named")
    return f"{opening} by the Department for Education on 23 August 2023 {what}."


def _and(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _event_on(events, date, source_url=None):
    for event in events:
        same_source = source_url is None or event.source_url == source_url
        if event.happened_on == date and event.precision == DatePrecision.DAY and same_source:
            return event
    where = f" from {source_url}" if source_url else ""
    raise StoryLoadError(f"{EVENTS_CSV.name} has no event dated {date:%-d %B %Y}{where}, which the story cites.")


def _rename_partnerships(programme, events):
    """The rename of 5 October 2023, sourced to that day's event. False if it is already recorded."""
    source = _event_on(events, RENAMED_ON)
    already = programme.former_names.filter(of=ProgrammeNameOf.PARTNERSHIPS, replaced_on=RENAMED_ON).exists()
    if already or programme.partnerships_name == PARTNERSHIPS_NAME:
        return False
    try:
        programme_rename(
            programme=programme,
            of=ProgrammeNameOf.PARTNERSHIPS,
            name=PARTNERSHIPS_NAME,
            changed_on=RENAMED_ON,
            source_url=source.source_url,
            source_title=source.source_title,
        )
    except ValidationError as error:
        raise StoryLoadError(f"{EVENTS_CSV.name}, line {source.line}: {' '.join(error.messages)}") from error
    return True


def _add_events(programme, events):
    """Each event not yet on the timeline (same date and source); one already there is left as edited."""
    added = 0
    for row in events:
        if programme.events.filter(happened_on=row.happened_on, source_url=row.source_url).exists():
            continue
        event = ProgrammeEvent(
            programme=programme,
            happened_on=row.happened_on,
            precision=row.precision,
            text=row.text,
            source_url=row.source_url,
            source_title=row.source_title,
        )
        try:
            event.full_clean()
        except ValidationError as error:
            raise StoryLoadError(f"{EVENTS_CSV.name}, line {row.line}: {' '.join(error.messages)}") from error
        event.save()
        added += 1
    return added


def _add_key_figures(programme, events):
    """The figures the announcement reported, each dated and sourced to an event of that day."""
    added = 0
    for position, (key, label, value, unit, note, source_url) in enumerate(AUGUST_FIGURES):
        source = _event_on(events, ANNOUNCED_ON, source_url)
        if programme.key_figures.filter(key=key).exists():
            continue
        figure = KeyFigure(
            programme=programme,
            key=key,
            label=label,
            value=value,
            unit=unit,
            note=note,
            reported_on=ANNOUNCED_ON,
            source_url=source.source_url,
            source_title=source.source_title,
            position=position,
        )
        figure.full_clean()
        figure.save()
        added += 1
    return added
