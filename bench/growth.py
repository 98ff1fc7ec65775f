"""`make bench-growth` (or `make bench BENCH_ARGS=--growth`): does a page cost more as the story grows?

Builds the data at 1×, 10× and 100×, each size in a PostgreSQL database of its own
(``<DATABASE_URL's name>_growth_<size>``, or ``sendtracker_bench_growth_<size>`` on the local
server; created if missing and emptied first), then renders every page that lists something
that grows, in-process with Django's test client, the page cache off (``DJANGO_PAGE_CACHE=0``:
every request renders), production settings otherwise:

| size | approved comments on one article | status changes on one council | quotes | articles | contracts |
| --- | ---: | ---: | ---: | ---: | ---: |
| 1×   |    50 |    50 |    100 |    20 |    10 |
| 10×  |   500 |   500 |  1,000 |   200 |   100 |
| 100× | 5,000 | 5,000 | 10,000 | 2,000 | 1,000 |

(one comment in five is a reply; the changes list holds every council's changes). The
statistics of the tables are refreshed (``ANALYZE``) after each size is built, as autovacuum
keeps them on a live site.

The sizes are read interleaved: in each of ``--repeat`` rounds every page is read at every
size (the order of the sizes rotated each round), so the load of a shared machine, which
drifts within seconds, weighs on all sizes alike. Each timed read follows a read of a
baseline page that reads no table (``/how-we-track-this/``). A page's time is the median of
its reads (with the fastest read, and the median ratio to the baseline read just before), its
size the bytes of the body, with its number of SQL queries. The target: at 100× each page
within 1.5× its 1× figures, in time (the medians) and in bytes. Prints a table and writes
JSON to bench/results/ (``growth-latest.json`` and a timestamped copy).

Usage: make bench-growth   or   .venv/bin/python bench/growth.py [--repeat 5] [--sizes 1,10,100]
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import statistics
import sys
import time
import urllib.parse
from datetime import UTC
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

RESULTS = BASE / "bench" / "results"
# Read once: the run then points DATABASE_URL at the databases it makes from this one's name.
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sendtracker_bench")
TARGET = 1.5
# Per 1×: comments on the article, status changes on the council, quotes, articles, contracts.
UNIT = {"comments": 50, "changes": 50, "quotes": 100, "articles": 20, "contracts": 10}
ARTICLE = "growth-article"
TARGETED = ("article", "council", "changes", "quotes")
# The baseline each timed read is paired with: a page that reads no table (the whole middleware
# stack, the base template), so its cost does not change with the data.
BASELINE = "/how-we-track-this/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed renders of each page at each size")
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the 1× data, ascending")
    return parser.parse_args()


def growth_database_url(size):
    """The database holding the data at ``size`` ×: ``<DATABASE_URL's name>_growth_<size>``."""
    parts = urllib.parse.urlsplit(DATABASE_URL)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("The growth benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}_growth_{size}"))


def use_database(url):
    """Point the default connection at ``url``'s database (closed now, opened at once)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = urllib.parse.urlsplit(url).path.lstrip("/")
    connection.ensure_connection()


def set_up_django(database_url):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "sendtracker.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            "DJANGO_PAGE_CACHE": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_DB_POOL": "0",
            "DJANGO_CONN_MAX_AGE": "600",  # one connection per database, kept between requests
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the cache in memory: nothing shared with a running site
    import django

    django.setup()


def build(size, have):
    """Add rows until the database holds ``size`` × UNIT of each; ``have`` is what is there (updated)."""
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Person, Quote
    from comments.models import Comment
    from councils.choices import PilotStatus
    from councils.models import Contract, Council, StatusChange

    now = timezone.now()
    article = Article.objects.get(slug=ARTICLE)
    council = Council.objects.order_by("short_name").first()
    person = Person.objects.get(slug="growth-person")
    want = {key: size * count for key, count in UNIT.items()}

    # Comments: four top-level comments, then a reply to the last of them, and so on.
    threads = list(Comment.objects.filter(article=article, parent__isnull=True).order_by("pk"))
    new = []
    for i in range(have["comments"], want["comments"]):
        created = now - datetime.timedelta(minutes=10 * (want["comments"] - i))
        fields = {
            "article": article,
            "display_name": f"Reader {i}",
            "email": f"reader{i}@example.org",
            "body": f"Comment {i}: my child waited {i % 40 + 1} weeks for an assessment.\nSecond paragraph.",
            "status": Comment.Status.APPROVED,
            "created_at": created,
        }
        if i % 5 == 4 and threads:
            new.append(Comment(parent=threads[-1], **fields))
        else:
            comment = Comment.objects.create(**fields) if i % 5 == 3 else None
            if comment:
                threads.append(comment)
            else:
                new.append(Comment(**fields))
    Comment.objects.bulk_create(new, batch_size=2000)

    start = datetime.date(2000, 1, 1)
    statuses = (PilotStatus.SHORTLISTED, PilotStatus.CONSIDERING)
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                council=council,
                from_status=statuses[(i + 1) % 2],
                to_status=statuses[i % 2],
                effective_on=start + datetime.timedelta(days=i),
                recorded_at=now - datetime.timedelta(minutes=want["changes"] - i),
                note=f"Change {i} of the growth benchmark's story.",
                source_url="https://www.gov.uk/government/news/example",
                source_title="Benchmark source",
            )
            for i in range(have["changes"], want["changes"])
        ),
        batch_size=2000,
    )
    Quote.objects.bulk_create(
        (
            Quote(
                person=person,
                text=f"Quote {i}: the pilot has to reach families before the reforms are rolled out.",
                said_on=start + datetime.timedelta(days=i % 9000),
                context="Speaking to the benchmark.",
                source_url="https://www.gov.uk/government/speeches/example",
            )
            for i in range(have["quotes"], want["quotes"])
        ),
        batch_size=2000,
    )
    Article.objects.bulk_create(
        (
            Article(
                headline=f"Growth story {i}",
                slug=f"growth-story-{i:05d}",
                standfirst="What changed in the pilot this week.",
                body="<p>A short report.</p>",
                byline="Bench reporter",
                status=Article.Status.PUBLISHED,
                published_at=now - datetime.timedelta(hours=i + 2),
            )
            for i in range(have["articles"], want["articles"])
        ),
        batch_size=2000,
    )
    Contract.objects.bulk_create(
        (
            Contract(
                role=f"Adviser {i % 7}",
                supplier=f"Supplier {i}",
                value=16000,
                term="one year",
                source_url="https://www.contractsfinder.service.gov.uk/example",
            )
            for i in range(have["contracts"], want["contracts"])
        ),
        batch_size=2000,
    )
    have.update(want)
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum keeps them on a live site
        cursor.execute("ANALYZE")


def reset():
    """An empty database with the 153 councils, one article and one person to hang the rows on."""
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Person

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_councils", verbosity=0)
    Article.objects.create(
        headline="A story readers talk about",
        slug=ARTICLE,
        standfirst="The article with every comment.",
        body="".join(f"<p>Paragraph {i} of a long report on the pilot.</p>" for i in range(12)),
        byline="Bench reporter",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    Person.objects.create(name="A minister", slug="growth-person", role="Children's minister")


def pages():
    from councils.models import Council

    council = Council.objects.order_by("short_name").first()
    return {
        "article": f"/articles/{ARTICLE}/",
        "article, page 2 of comments": f"/articles/{ARTICLE}/?comments=2",
        "council": council.get_absolute_url(),
        "changes": "/changes/",
        "quotes": "/articles/quotes/",
        "articles": "/articles/",
        "contracts": "/contracts/",
        "changes feed": "/changes/feed/",
        "council feed": f"{council.get_absolute_url()}feed/",
        "sitemap index": "/sitemap.xml",
        "sitemap of articles": "/sitemap-articles.xml",
    }


def timed_read(client, path):
    """One read of ``path``, just after one of the baseline page: its time, the ratio, size and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    client.get(BASELINE)
    baseline = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return {
        "seconds": seconds,
        "x_baseline": seconds / baseline,
        "bytes": len(response.content),
        "queries": len(queries.captured_queries),
    }


def run(args):
    """Build each size in its own database, then read every page at every size in turn.

    The sizes are read interleaved (round after round, the order of the sizes rotated), so
    that the machine's load, which drifts on a shared machine, weighs on every size alike.
    """
    from django.core.management import call_command
    from django.test import Client

    sizes = [int(size) for size in args.sizes.split(",")]
    call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as in production
    for size in sizes:
        use_database(growth_database_url(size))
        started = time.monotonic()
        reset()
        have = dict.fromkeys(UNIT, 0)
        build(size, have)
        print(f"{size}×: built in {time.monotonic() - started:.1f} s: {have}", flush=True)
    client = Client()
    paths = {}
    for size in sizes:
        use_database(growth_database_url(size))
        paths[size] = pages()
        for path in paths[size].values():  # warm: templates compiled
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} answered {client.get(path).status_code} at {size}×")
    reads = {}
    for repeat in range(args.repeat):
        order = sizes[repeat % len(sizes) :] + sizes[: repeat % len(sizes)]
        for size in order:
            use_database(growth_database_url(size))
            for name, path in paths[size].items():
                reads.setdefault(name, {}).setdefault(size, []).append(timed_read(client, path))
    results = {}
    for name, by_size in reads.items():
        row = results.setdefault(name, {"path": paths[sizes[-1]][name], "sizes": {}})
        for size, samples in by_size.items():
            row["sizes"][str(size)] = {
                "ms": round(statistics.median(s["seconds"] for s in samples) * 1000, 1),
                "min_ms": round(min(s["seconds"] for s in samples) * 1000, 1),
                "x_baseline": round(statistics.median(s["x_baseline"] for s in samples), 2),
                "bytes": samples[-1]["bytes"],
                "queries": samples[-1]["queries"],
            }
    smallest, largest = str(sizes[0]), str(sizes[-1])
    for row in results.values():
        first, last = row["sizes"][smallest], row["sizes"][largest]
        row["time_ratio"] = round(last["ms"] / first["ms"], 2)
        row["min_time_ratio"] = round(last["min_ms"] / first["min_ms"], 2)  # the least disturbed reads
        row["baseline_ratio_ratio"] = round(last["x_baseline"] / first["x_baseline"], 2)
        row["bytes_ratio"] = round(last["bytes"] / first["bytes"], 2)
        row["met"] = row["time_ratio"] <= TARGET and row["bytes_ratio"] <= TARGET
    return sizes, results


def table(sizes, results):
    """The Markdown table: per size ms (× the baseline), KiB and queries; then the growth."""
    head = " | ".join(f"{size}×: ms (× baseline), KiB, queries" for size in sizes)
    lines = [
        f"| page | {head} | time {sizes[-1]}×/{sizes[0]}× | fastest read {sizes[-1]}×/{sizes[0]}× "
        f"| bytes {sizes[-1]}×/{sizes[0]}× | within {TARGET}× |",
        "| --- | " + " | ".join("---" for _ in sizes) + " | ---: | ---: | ---: | --- |",
    ]
    for name, row in results.items():
        cells = []
        for size in sizes:
            cell = row["sizes"][str(size)]
            cells.append(f"{cell['ms']} ({cell['x_baseline']}), {cell['bytes'] / 1024:.1f}, {cell['queries']}")
        met = ("yes" if row["met"] else "**no**") + ("" if name in TARGETED else " (no target)")
        lines.append(
            f"| {name} | {' | '.join(cells)} | {row['time_ratio']} | {row['min_time_ratio']} "
            f"| {row['bytes_ratio']} | {met} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    from bench.server import ensure_database

    sizes = [int(size) for size in args.sizes.split(",")]
    for size in sizes:
        ensure_database(growth_database_url(size))
    set_up_django(growth_database_url(sizes[0]))
    started_at = datetime.datetime.now(UTC)
    sizes, results = run(args)
    text = table(sizes, results)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {
        "started_at": started_at.isoformat(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "load": os.getloadavg(),
        "repeat": args.repeat,
        "unit": UNIT,
        "sizes": sizes,
        "target": TARGET,
        "results": results,
    }
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    for name in (f"growth-{stamp}.json", "growth-latest.json"):
        (RESULTS / name).write_text(json.dumps(data, indent=2) + "\n")
    print(f"Results written to bench/results/growth-{stamp}.json.")
    missed = [name for name in TARGETED if not results[name]["met"]]
    if missed:
        print(f"Target missed ({TARGET}× at the largest size) by: {', '.join(missed)}.")
        sys.exit(1)


if __name__ == "__main__":
    main()
