"""The tracker as CSV: the same rows as the page, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

from sendtracker.site_url import absolute_url

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER = (
    "council",
    "official_name",
    "code",
    "gss_code",
    "region",
    "type",
    "status",
    "status_since",
    "childrens_services_judgement",
    "in_safety_valve",
    "partnership",
    "url",
)


def neutralise(value):
    """A cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def tracker_csv_response(rows, *, as_of=None, request):
    filename = f"send-tracker-councils-as-of-{as_of.isoformat()}.csv" if as_of else "send-tracker-councils.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            neutralise(value)
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
                "; ".join(m.partnership.name for m in row.partnership_memberships),
                absolute_url(row.get_absolute_url()),
            )
        )
    return response
