"""The tracker as CSV: the same rows as the page, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

from sendtracker.site_url import absolute_url

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# (column, what it holds): the CSV's header, and the /data/ page's description of it.
# New columns go at the end, so a spreadsheet built on the file's first columns keeps working.
TRACKER_COLUMNS = (
    ("council", "The council's short name, as in headlines."),
    ("official_name", "The council's official name."),
    ("code", "The three-letter register code (mySociety)."),
    ("gss_code", "The ONS GSS code, e.g. E06000019."),
    ("region", "The English region."),
    ("type", "The kind of authority (county, unitary, metropolitan or London borough)."),
    ("status", "Pilot status (as of the date asked for, if any)."),
    ("status_since", "The date that status took effect (YYYY-MM-DD)."),
    ("childrens_services_judgement", "Ofsted's latest judgement of the council's children's services."),
    ("in_safety_valve", "yes if the council has a DfE safety valve agreement, else no."),
    ("partnership", "The partnership(s) the council belongs to; several are separated by “; ”."),
    ("url", "The council's page on this site."),
    ("la_number", "The DfE's three-digit local-authority number, the key for joining DfE statistics."),
    ("population", "Population, 2020 estimate."),
    ("latitude", "Latitude of the council's area (WGS84)."),
    ("longitude", "Longitude of the council's area (WGS84)."),
    (
        "partnership_role",
        "The council’s role in each of those partnerships (lead council, joint lead council or partner council), in the same order.",
    ),
    ("latest_note", "The public note of the council's latest status change: why its status is what it is."),
    ("latest_source_url", "The source of that change."),
    ("latest_source_title", "The title of that source."),
)
HEADER = tuple(name for name, _ in TRACKER_COLUMNS)
BYTE_ORDER_MARK = "\ufeff"


def neutralise(value):
    """A cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell(value):
    """A number as a number (a longitude of -2.7 is not a formula); anything else through ``neutralise``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return neutralise(value)


def wants_byte_order_mark(request):
    """``?bom=1``: start the file with a UTF-8 byte order mark, so Excel reads “£” and “’” correctly."""
    return request.GET.get("bom") == "1"


def tracker_csv_response(rows, *, as_of=None, request):
    filename = f"send-tracker-councils-as-of-{as_of.isoformat()}.csv" if as_of else "send-tracker-councils.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if wants_byte_order_mark(request):
        response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response)
    writer.writerow(HEADER)
    for row in rows:
        memberships = row.partnership_memberships
        writer.writerow(
            cell(value)
            for value in (
                row.short_name,
                row.name,
                row.code,
                row.gss_code,
                row.region,
                row.get_council_type_display(),
                row.shown_status.label,
                row.shown_since.isoformat() if row.shown_since else "",
                row.get_ofsted_judgement_display(),
                "yes" if row.in_safety_valve else "no",
                "; ".join(m.partnership.name_on(as_of) if as_of else m.partnership.name for m in memberships),
                absolute_url(row.get_absolute_url()),
                row.la_number,
                row.population,
                row.latitude,
                row.longitude,
                "; ".join(m.role_label.lower() for m in memberships),
                row.latest_note,
                row.latest_source_url,
                row.latest_source_title,
            )
        )
    return response
