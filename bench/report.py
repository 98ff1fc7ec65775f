"""Print a bench result (default: bench/results/latest.json) as the Markdown table in docs/performance.md."""

import json
import sys
from pathlib import Path

path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "results" / "latest.json"
report = json.loads(path.read_text())
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
    print(
        f"| {r['scenario']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
        f"{r['errors']} | {r.get('baseline_rps', r['rps']):.0f} | {r['ratio']:.2f} | {target} | "
        f"{'yes' if r['met'] else 'no'} |"
    )
