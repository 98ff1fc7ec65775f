"""Every list the API publishes, in every filter the schema lists, answered byte for byte as recorded.

The golden files in ``golden/`` (one per list) were captured from the DRF serializers before the
lists got their fast path (api/fastlists.py): the JSON and CSV bodies, the headers a data user's
cache or script reads (ETag, Last-Modified, Content-Type, Content-Disposition, CORS, Vary), the
pagination links and the ``as_of`` views. A list may not answer with a single byte changed, nor
with more SQL queries than it made then.

The tracker is built the same way every time (factory sequences and table ids from the start,
every time stamp set to a fixed instant), so the bytes can be compared. A change that means to
alter the API regenerates the files with ``UPDATE_API_GOLDEN=1`` and says so in docs/api.md.
"""

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.choices import MembershipRole
from councils.models import Council, CouncilCareBoard, PartnershipMembership, PartnershipName
from tests.support import factories

GOLDEN = Path(__file__).with_name("golden")
FIXED = datetime.datetime(2024, 3, 4, 9, 30, tzinfo=datetime.UTC)
HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Content-Disposition",
    "Cache-Control",
    "Vary",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
)

CSV = {"format": "csv"}

# Each list with the query strings it is compared under: every filter in the schema, ordering,
# paging (next and previous links), CSV (with and without a byte order mark) and as_of.
LISTS = {
    "councils": [
        "",
        "as_of=2023-05-10",
        "as_of=2023-06-01",
        "as_of=2023-06-01&status=declined",
        "as_of=2023-04-01&scope=all",
        "as_of=2023-06-01&ordering=status",
        "as_of=2023-06-01&format=csv",
        "as_of=2023-06-01&partnership=west-yorkshire",
        "in_safety_valve=true",
        "in_safety_valve=false&scope=all",
        "ofsted_judgement=good",
        "ofsted_judgement=inadequate&ofsted_judgement=good",
        "ordering=-population",
        "ordering=status",
        "ordering=-ofsted",
        "ordering=updated,name",
        "ordering=region",
        "partnership=west-yorkshire",
        "q=hereford",
        "q=yorkshire",
        "region=West%20Midlands",
        "scope=all",
        "scope=pilot",
        "status=considering&status=declined",
        "status=not_shortlisted",
        "page_size=1",
        "page_size=1&page=2",
        "page_size=1&page=3",
        "page_size=2&page=2&scope=all",
        "format=csv",
        "format=csv&bom=1",
        "format=csv&scope=all&ordering=-name",
    ],
    "partnerships": [
        "",
        "as_of=2023-06-01",
        "as_of=2020-01-01",
        "council=leeds",
        "ordering=-name",
        "ordering=updated",
        "q=york",
        "region=Yorkshire%20and%20The%20Humber",
        "status=proposed",
        "format=csv",
    ],
    "status-changes": [
        "",
        "council=herefordshire",
        "from_status=shortlisted",
        "ordering=council,recorded_at",
        "ordering=recorded_at",
        "q=prioritise",
        "region=South%20East",
        "since=2023-05-10",
        "status=declined&status=considering",
        "until=2023-05-10",
        "page_size=2",
        "page_size=2&page=2",
        "format=csv",
    ],
    "contracts": [
        "",
        "ordering=-value,supplier",
        "ordering=supplier",
        "q=adviser",
        "value_max=10000",
        "value_min=10000",
        "page_size=1&page=2",
        "format=csv",
        "format=csv&bom=1",
    ],
    "key-figures": ["", "ordering=key", "q=shortlisted", "format=csv"],
    "people": ["", "council=herefordshire", "ordering=-name", "q=spokes", "format=csv"],
    "quotes": [
        "",
        "council=herefordshire",
        "ordering=said_on",
        "person=herefordshire-spokesperson",
        "q=resources",
        "since=2023-05-01",
        "until=2023-01-01",
        "format=csv",
    ],
    "articles": [
        "",
        "council=herefordshire",
        "ordering=headline",
        "partnership=west-yorkshire",
        "q=declines",
        "since=2024-01-01",
        "until=2023-01-01",
        "format=csv",
    ],
    "comments": [
        "",
        "article=herefordshire-declines",
        "ordering=-created_at",
        "since=2024-01-01",
        "format=csv",
    ],
}


def reset_factory_sequences():
    """Sequences count from 0 in this test whatever ran before, so names and codes are the same."""
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
            value.reset_sequence(0, force=True)


def fix_time_stamps():
    """Every recorded instant becomes a fixed one (a minute apart by id, so orderings hold).

    A scheduled article keeps its future publication time: it must stay unpublished.
    """
    now = timezone.now()
    for app in ("councils", "articles", "comments"):
        for model in apps.get_app_config(app).get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
            if not fields:
                continue
            for row in model.objects.values("pk", *fields):
                values = {
                    name: FIXED + datetime.timedelta(minutes=row["pk"], seconds=index)
                    for index, name in enumerate(fields)
                    if row[name] is not None and row[name] <= now
                }
                if values:
                    model.objects.filter(pk=row["pk"]).update(**values)


def answer(response):
    return {
        "status": response.status_code,
        "headers": {name: response[name] for name in HEADERS if response.has_header(name)},
        "body": response.content.decode("utf-8"),
    }


def enrich(data):
    """What the shared tracker lacks and a council's row can show: care boards (two for one
    council), a safety valve amount, a joint lead who joined on a date, and a partnership's former name."""
    north = factories.IntegratedCareBoardFactory(name="NHS Herefordshire and Worcestershire", code="E54000066")
    west = factories.IntegratedCareBoardFactory(name="NHS Shropshire, Telford and Wrekin", code="E54000011")
    CouncilCareBoard.objects.create(council=data["hereford"], care_board=north, position=0, share_note="all")
    CouncilCareBoard.objects.create(council=data["hereford"], care_board=west, position=1, share_note="part: 2%")
    Council.objects.filter(pk=data["leeds"].pk).update(safety_valve_amount=Decimal("12345678.50"))
    PartnershipMembership.objects.create(
        partnership=data["partnership"],
        council=data["brighton"],
        role=MembershipRole.LEAD,
        joined_on=datetime.date(2023, 5, 25),
        source_url="https://example.org/joint-lead",
    )
    PartnershipName.objects.create(
        partnership=data["partnership"], name="Yorkshire expert partnership", replaced_on=datetime.date(2023, 10, 5)
    )


@pytest.fixture
def fixed_tracker(request):
    reset_factory_sequences()
    data = request.getfixturevalue("tracker")
    enrich(data)
    fix_time_stamps()
    cache.clear()
    return data


@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.parametrize("name", LISTS)
def test_every_list_and_filter_answers_as_recorded(client, fixed_tracker, name):
    path = f"/api/{name}/"
    client.get(path, {"page_size": 7})  # seeds the page cache's dependency tokens, as every later request finds them
    current = {}
    for query in LISTS[name]:
        url = f"{path}?{query}" if query else path
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        current[url] = {**answer(response), "queries": len(queries)}
        assert response.status_code == 200, (url, response.content[:300])

    golden = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_API_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(golden.read_text())
    assert list(current) == list(recorded)
    for url, was in recorded.items():
        now = current[url]
        assert now["status"] == was["status"], url
        assert now["headers"] == was["headers"], url
        assert now["body"] == was["body"], url
        assert now["queries"] <= was["queries"], f"{url} makes {now['queries']} queries, was {was['queries']}"
