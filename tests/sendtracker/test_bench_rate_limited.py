"""The bench's "comment POST rate-limited" times refusals only, however late in a run it comes.

The per-address limit counts 10 minutes; a full `make bench` reaches this scenario about 13
minutes after it first put its address over the limit, so the limit had lapsed and the first
round's first five comments were accepted (302): posted, and counted as the scenario's errors
(the full run of 30 November 2026, 02:39 UTC). Each round now starts over the limit again.
"""

import pytest
from django.core.cache import caches

from bench import load, scenarios
from bench.server import PING_PATH
from comments.models import Comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bench_site(settings, live_server):
    settings.ROOT_URLCONF = "bench.urls"  # /bench/ping, which the rounds settle on
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT_PER_IP = (5, 10 * 60)
    caches["limits"].clear()
    yield live_server.url
    caches["limits"].clear()


@pytest.fixture
def rate_limited(bench_site):
    post = scenarios.comment_post(bench_site, ArticleFactory().get_absolute_url())
    return {**post, "ok": (429,), "over_limit": True}


def test_the_scenario_starts_from_an_address_over_the_limit(bench_site, rate_limited):
    assert scenarios.put_over_limit(bench_site, rate_limited) == 429
    assert Comment.objects.count() == 5  # the limit's five, then the refusal


def test_a_round_after_the_limit_lapsed_is_still_all_refusals(bench_site, rate_limited):
    assert scenarios.put_over_limit(bench_site, rate_limited) == 429
    caches["limits"].clear()  # as ten minutes later: the address's window has passed

    _, result = load.measure(
        load.run_python_client,
        bench_site,
        {"path": PING_PATH},
        "comment POST rate-limited",
        rate_limited,
        connections=2,
        rounds=1,
        duration=1,
    )

    assert result["requests"] > 0
    assert {str(status): count for status, count in result["statuses"].items()} == {"429": result["requests"]}
    assert Comment.objects.count() == 10  # five more, posted before the round and not timed
