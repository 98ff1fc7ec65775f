"""`make bench`: throughput and latency of the main pages under load, against a baseline, in one run.

1. Builds the data set (bench/dataset.py) on PostgreSQL: DATABASE_URL, or the
   local ``sendtracker_bench`` database (created if missing). Reused when present;
   ``--rebuild`` builds it again.
2. Collects static files and starts gunicorn (gunicorn.conf.py, 2 workers) with
   bench/settings.py: the production settings (DJANGO_DEBUG off, a freshly generated
   secret key, two redis-servers of the run's own (the page cache's and the limits'), or BENCH_REDIS_URL) plus /bench/ping and the
   X-Bench-No-Page-Cache header (bench/server.py).
3. From separate processes, drives each scenario (bench/scenarios.py) with wrk
   (bench/wrk.lua; a Python keep-alive client, bench/pyload.py, when wrk is not
   installed) at 4 and at 32 connections, in rounds (3 of 2 s by default) alternating
   with the baseline (/bench/ping: the full middleware stack and nothing else) at the
   same connection count; a scenario's ratio is the median of its rounds' ratios to
   the baseline round just before. Before each round the server is left to finish the
   previous round's queued requests (bench/load.py).
4. Prints one table (the baseline row is the median of its runs) and writes JSON
   to bench/results/ (a timestamped file and latest.json; bench/report.py).

`--profile` also profiles an uncached render of the tracker (distinct valid filters) and of a council page,
in-process, before the load: the top functions by cumulative and own time go to bench/results/profile-*.txt
(bench/profiling.py).

`--alerts` runs bench/alerts.py instead (make bench-alerts): one status change to 10,000 followers.
`--growth` runs bench/growth.py instead (make bench-growth): each page at 1×, 10× and 100× the data.

Usage: make bench   or   .venv/bin/python bench/run.py [--rounds 3] [--duration 2] [--db pool|persistent] [--rebuild] [--only NAME] [--profile]
"""

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

# Run as a script (bench/run.py), the project directory is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load, profiling, report, scenarios, server


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 2)), help="seconds per round"
    )
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8500)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--db", choices=("persistent", "pool"), default=os.environ.get("BENCH_DB", "pool"))
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", action="append", default=[], help="run only these scenarios (repeatable)")
    parser.add_argument("--profile", action="store_true", help="also write profiles to bench/results/profile-*.txt")
    parser.add_argument("--env", action="append", default=[], help="extra KEY=VALUE for the server (repeatable)")
    return parser.parse_args()


def main():
    if "--alerts" in sys.argv[1:]:  # make bench BENCH_ARGS=--alerts: the email fan-out bench instead
        os.execv(sys.executable, [sys.executable, str(Path(__file__).with_name("alerts.py")), *sys.argv[1:]])
    if "--growth" in sys.argv[1:]:  # make bench BENCH_ARGS=--growth: the growth bench instead
        rest = [arg for arg in sys.argv[1:] if arg != "--growth"]
        os.execv(sys.executable, [sys.executable, str(Path(__file__).with_name("growth.py")), *rest])
    args = parse_args()
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    with server.own_redis(report.RESULTS / "redis.log") as redises:
        run(args, server.bench_env(args, redises))


def run(args, env):
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    server.ensure_database(env["DATABASE_URL"])
    paths = server.prepare_data(env, args.rebuild)
    drive, load_generator = load.driver(args.client)
    started_at = datetime.now(UTC)
    process, log = server.start_server(env, args.port, report.RESULTS / "gunicorn.log")
    base_url = f"http://127.0.0.1:{args.port}"
    try:
        if args.profile:
            profiling.profile_pages(paths, report.RESULTS)
        found = scenarios.find(base_url, paths)
        results = load.run_all(
            drive, base_url, found, only=args.only, rounds=args.rounds, duration=args.duration, env=env
        )
    finally:
        server.stop_server(process, log)
    results = report.summarise(results)
    report.print_table(results)
    out = report.save(
        {
            "started_at": started_at.isoformat(),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "server": {"workers": args.workers, "threads": args.threads, "db_connections": args.db},
            "load_generator": load_generator,
            "round_s": args.duration,
            "rounds": args.rounds,
            "results": results,
        },
        started_at,
    )
    print(f"Results written to {out.relative_to(report.BASE)}.")


if __name__ == "__main__":
    main()
