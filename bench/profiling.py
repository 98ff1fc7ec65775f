"""`make bench BENCH_ARGS=--profile`: where an uncached render of the tracker and a council page spends its time.

Runs in the bench process, against the bench database and settings (bench/server.py sets
them up), through the whole middleware stack with Django's test client and the
``X-Bench-No-Page-Cache`` header, so every request renders. Each page is rendered a few
times to warm up, then timed (milliseconds per render, the median), then rendered again
under cProfile; the top functions by cumulative and by own time go to
``bench/results/profile-<page>.txt``.

The tracker's requests are those of the "tracker with distinct valid filters" scenario
(bench/scenarios.py): a different ``as_of`` date and ordering each time.
"""

import cProfile
import io
import logging
import pstats
import statistics
import time

from bench import scenarios
from bench.middleware import BYPASS_HEADER

WARM_UP = 5
TIMED = 30
PROFILED = 30
TOP = 45


def _client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", **{BYPASS_HEADER: "1"})


def _render_all(client, paths):
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} while profiling")


def profile_page(name, paths, results_dir):
    """Time and profile GETs of ``paths`` (cycled): the report's path and the median ms per render."""
    client = _client()
    paths = list(paths)
    pick = iter(paths * (1 + (WARM_UP + TIMED + PROFILED) // len(paths)))
    _render_all(client, [next(pick) for _ in range(WARM_UP)])
    timings = []
    for _ in range(TIMED):
        path = next(pick)
        started = time.perf_counter()
        _render_all(client, [path])
        timings.append((time.perf_counter() - started) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    _render_all(client, [next(pick) for _ in range(PROFILED)])
    profiler.disable()

    out = io.StringIO()
    out.write(
        f"{name}: {statistics.median(timings):.1f} ms per uncached render (median of {TIMED}; "
        f"min {min(timings):.1f}, max {max(timings):.1f}), through the whole middleware stack, in-process.\n"
        f"Profiled: {PROFILED} renders, e.g. {paths[0]}\n\n"
    )
    for order, title in (("cumulative", "by cumulative time"), ("tottime", "by own time")):
        out.write(f"=== Top {TOP} functions {title} ===\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(TOP)
    results_dir.mkdir(parents=True, exist_ok=True)
    report = results_dir / f"profile-{name}.txt"
    report.write_text(out.getvalue())
    return report, statistics.median(timings)


def profile_pages(paths, results_dir):
    """Profile the tracker with distinct valid filters and the sample council page; print where the reports went."""
    logging.getLogger("sendtracker.requests").setLevel(logging.WARNING)  # a log line per request would be noise
    tracker = scenarios.distinct_tracker_paths(WARM_UP + TIMED + PROFILED)
    council = [paths["council"]]  # as the "council page uncached" scenario: the bypass header, today's page
    for name, page_paths in (("tracker", tracker), ("council", council)):
        report, median = profile_page(name, page_paths, results_dir)
        print(f"Profile of {name}: {median:.1f} ms per uncached render; {report}", flush=True)
