"""A bench run's results: targets met or not, the table printed after a run, the JSON kept in bench/results/.

As a script, prints a result (default: bench/results/latest.json) as the Markdown table in
docs/performance.md: ``python bench/report.py [bench/results/bench-....json]``.
"""

import json
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
RESULTS = BASE / "bench" / "results"

# Each scenario's target, as a fraction of the baseline's requests/s (docs/performance.md).
TARGETS = {
    "baseline": None,
    "tracker uncached": 0.15,
    "tracker cached": 0.5,
    "tracker 304": 0.6,
    "council page": 0.5,
    # Issue 15: rendered afresh, as after every edit or for a filter no one asked for before.
    "tracker with distinct valid filters": 0.15,
    "council page uncached": None,
    "article, 200 comments": None,
    "API councils uncached": 0.2,
    "API councils, distinct as_of": 0.2,
    "comment POST valid": 0.15,
    "comment POST rate-limited": 0.5,
    # Issue 14: a junk session cookie, tracking parameters and writes elsewhere keep pages cached.
    "tracker, junk session cookie": 0.4,
    "tracker, tracking parameters": 0.4,
    "tracker, 5 comments/s posted": 0.4,
    "article, councils changing": 0.4,
}


def summarise(results):
    """Errors, ratio to the paired baseline and targets for each run; baseline runs folded into one row per
    connection count (the median), listed first."""
    for result in results:
        if "rps" not in result:
            continue
        ok = set(result.pop("ok"))
        result["errors"] = result["socket_errors"] + sum(
            count for status, count in result["statuses"].items() if status not in ok
        )
        if writes := result.get("background"):  # the writes made meanwhile must all succeed too
            result["errors"] += writes["failed"] + sum(
                count for status, count in writes["statuses"].items() if int(status) not in (200, 201, 302, 303)
            )
        if result["scenario"] == "baseline":
            result["ratio"] = 1.0
        target = TARGETS.get(result["scenario"])
        result["target"] = target
        checks = [result["errors"] == 0]
        if target is not None:
            checks.append(result["ratio"] is not None and result["ratio"] >= target)
        if result["connections"] == 4:
            checks.append(result["p99_ms"] <= 4 * result["p50_ms"])
        result["met"] = all(checks)
    baselines = []
    for connections in sorted({r["connections"] for r in results if r["scenario"] == "baseline"}):
        runs = sorted(
            (r for r in results if r["scenario"] == "baseline" and r["connections"] == connections),
            key=lambda r: r["rps"],
        )
        median = dict(runs[len(runs) // 2])
        median["runs_rps"] = [round(r["rps"]) for r in runs]
        baselines.append(median)
    return baselines + [r for r in results if r["scenario"] != "baseline"]


def print_table(results):
    header = (
        f"{'scenario':<38}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'baseline':>10}{'ratio':>8}{'target':>8}  met"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        if "rps" not in r:
            print(f"{r['scenario']:<38}{r['connections']:>6}  not available: {r['reason']}")
            continue
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        target = f"{r['target']:.2f}" if r["target"] is not None else "-"
        print(
            f"{r['scenario']:<38}{r['connections']:>6}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['errors']:>8}{r.get('baseline_rps', r['rps']):>10.0f}{ratio:>8}{target:>8}  {'yes' if r['met'] else 'NO'}"
        )
    print()


def save(report, started_at):
    """Write the run to bench/results/ (a timestamped file and latest.json); the timestamped file's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{started_at:%Y%m%d-%H%M%S}.json"
    text = json.dumps(report, indent=2)
    out.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return out


def print_markdown(report):
    machine, server = report["machine"], report["server"]
    print(
        f"Run {report['started_at'][:16].replace('T', ' ')} UTC: {machine['cpus']} CPUs, {machine['platform']}, "
        f"Python {machine['python']}; gunicorn {server['workers']} workers × {server['threads']} threads, "
        f"database connections: {server['db_connections']}; {report['load_generator']}, {report['rounds']} rounds of {report['round_s']} s per scenario and connection count."
    )
    print()
    print("| scenario | conns | req/s | p50 ms | p99 ms | errors | paired baseline req/s | ratio | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in report["results"]:
        if "rps" not in r:
            print(f"| {r['scenario']} | {r['connections']} | not available: {r['reason']} | | | | | | | |")
            continue
        target = f"≥ {r['target']}" if r["target"] is not None else "–"
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(
            f"| {r['scenario']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['errors']} | {r.get('baseline_rps', r['rps']):.0f} | {ratio} | {target} | "
            f"{'yes' if r['met'] else 'no'} |"
        )


if __name__ == "__main__":
    print_markdown(json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else RESULTS / "latest.json").read_text()))
