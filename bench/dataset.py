"""The benchmark's data set, built with bulk_create in a few seconds.

153 real councils (import_councils), 5,000 status changes over 100 of them, 1,000
published articles each tagged with three councils, and 50,000 comments: 200
approved on the benchmark article, the rest spread over the others in every
moderation state. Status changes are written in bulk here, not through
council_set_status: this is synthetic load data, not an editorial act.
"""

import datetime
import random

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

COUNCILS_WITH_HISTORY = 100
STATUS_CHANGES = 5_000
ARTICLES = 1_000
COMMENTS = 50_000
COMMENTS_ON_BENCH_ARTICLE = 200
BENCH_ARTICLE = "bench-article-0000"
BATCH = 2_000


def is_built():
    from articles.models import Article
    from comments.models import Comment
    from councils.models import StatusChange

    return (
        Article.objects.filter(slug=BENCH_ARTICLE).exists()
        and Article.objects.count() >= ARTICLES
        and Comment.objects.count() >= COMMENTS
        and StatusChange.objects.count() >= STATUS_CHANGES
    )


def build():
    """Replace everything in the (benchmark) database with the data set."""
    from articles.models import Article
    from comments.models import Comment
    from councils.choices import PilotStatus
    from councils.models import Council, StatusChange

    rng = random.Random(6)
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_councils", verbosity=0)
    now = timezone.now()
    start = timezone.localdate() - datetime.timedelta(days=STATUS_CHANGES // COUNCILS_WITH_HISTORY + 10)

    with transaction.atomic():
        councils = list(Council.objects.order_by("short_name")[:COUNCILS_WITH_HISTORY])
        per_council = STATUS_CHANGES // len(councils)
        changes = []
        for council in councils:
            status = PilotStatus.NOT_SHORTLISTED
            for day in range(per_council):
                to_status = (
                    PilotStatus.SHORTLISTED
                    if status in (PilotStatus.NOT_SHORTLISTED, PilotStatus.CONSIDERING)
                    else PilotStatus.CONSIDERING
                )
                effective_on = start + datetime.timedelta(days=day)
                changes.append(
                    StatusChange(
                        council=council,
                        from_status=status,
                        to_status=to_status,
                        effective_on=effective_on,
                        recorded_at=now - datetime.timedelta(days=per_council - day),
                        note=f"Day {day} of the benchmark's story.",
                        source_url="https://www.gov.uk/government/news/example",
                        source_title="Benchmark source",
                    )
                )
                status = to_status
            council.status, council.status_effective_on = status, effective_on
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        Council.objects.bulk_update(councils, ["status", "status_effective_on"], batch_size=BATCH)

        body = "".join(
            f"<p>Paragraph {i} of a long report on the pilot's progress and its councils.</p>" for i in range(12)
        )
        articles = Article.objects.bulk_create(
            [
                Article(
                    headline=f"Benchmark story {i}",
                    slug=f"bench-article-{i:04d}",
                    standfirst="What changed in the pilot this week.",
                    body=body,
                    byline="Bench reporter",
                    status=Article.Status.PUBLISHED,
                    published_at=now - datetime.timedelta(hours=i + 1),
                )
                for i in range(ARTICLES)
            ],
            batch_size=BATCH,
        )
        Through = Article.councils.through
        all_councils = list(Council.objects.all())
        Through.objects.bulk_create(
            [
                Through(article_id=article.pk, council_id=council.pk)
                for article in articles
                for council in rng.sample(all_councils, 3)
            ],
            batch_size=BATCH,
        )

        statuses = [Comment.Status.APPROVED] * 7 + [
            Comment.Status.PENDING,
            Comment.Status.REJECTED,
            Comment.Status.SPAM,
        ]
        roles = [choice for choice, _label in Comment.ReaderRole.choices]

        def comment(i, article, status):
            return Comment(
                article=article,
                display_name=f"Reader {i}",
                email=f"reader{i}@example.org",
                reader_role=roles[i % len(roles)],
                body=f"Comment {i}: my child waited {i % 40 + 1} weeks for an assessment.\nSecond paragraph.",
                created_at=now - datetime.timedelta(minutes=COMMENTS - i),
                status=status,
                ip_hash=f"{i:064x}",
            )

        bench_article, others = articles[0], articles[1:]
        comments = [comment(i, bench_article, Comment.Status.APPROVED) for i in range(COMMENTS_ON_BENCH_ARTICLE)]
        comments += [
            comment(i, others[i % len(others)], statuses[i % len(statuses)])
            for i in range(COMMENTS_ON_BENCH_ARTICLE, COMMENTS)
        ]
        Comment.objects.bulk_create(comments, batch_size=BATCH)
    return {
        "councils": Council.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
    }


def sample_paths():
    """The council page and article page the benchmark reads."""
    from councils.models import Council

    council = Council.objects.order_by("short_name").first()
    return {"council": council.get_absolute_url(), "article": f"/articles/{BENCH_ARTICLE}/"}
