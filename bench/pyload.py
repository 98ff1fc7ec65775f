"""A keep-alive HTTP load generator for `make bench` when wrk is not installed.

Reads {"base_url", "scenario", "connections", "duration"} as JSON on stdin, runs one
persistent connection per thread for the duration, prints the measurement as JSON.
Slower than wrk (the GIL), so its figures are a floor; the ratios stay comparable
because the baseline is driven the same way.
"""

import datetime
import http.client
import itertools
import json
import random
import secrets
import sys
import threading
import time
import urllib.parse

HISTORY_STARTS = datetime.date(2019, 1, 1)


def random_day():
    days = (datetime.date.today() - HISTORY_STARTS).days - 1
    return (HISTORY_STARTS + datetime.timedelta(days=random.randint(0, days))).isoformat()


def sequence_path(path, sequence, index):
    """As bench/scenarios.py's: "{seq0}", "{seq1}"… filled in for request number ``index``."""
    for position, values in enumerate(sequence):
        path = path.replace(f"{{seq{position}}}", values[index % len(values)])
        index //= len(values)
    return path


def worker(spec, stop_at, latencies, statuses, page_cache, errors, lock, tokens, numbers):
    url = urllib.parse.urlsplit(spec["base_url"])
    scenario = spec["scenario"]
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    mine, counts, outcomes, failed = [], {}, {}, 0
    while time.monotonic() < stop_at:
        unique = secrets.token_hex(4)  # "{n}" in the path, a header or the body: new in each request
        headers = {name: value.replace("{n}", unique) for name, value in scenario.get("headers", {}).items()}
        path = scenario["path"].replace("{n}", unique).replace("{date}", random_day())
        if scenario.get("sequence"):
            path = sequence_path(path, scenario["sequence"], scenario.get("start", 0) + next(numbers))
        body = scenario.get("body")
        if body:
            body = body.replace("{n}", unique)
            if "{token}" in body:  # the next unused form token (bench/scenarios.py FormTokens)
                with lock:
                    token = tokens.pop() if tokens else ""
                body = body.replace("{token}", token)
        if scenario.get("vary_ip"):
            headers["X-Forwarded-For"] = (
                f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
            )
        started = time.perf_counter()
        try:
            connection.request(scenario.get("method", "GET"), path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            continue
        mine.append(time.perf_counter() - started)
        counts[response.status] = counts.get(response.status, 0) + 1
        outcome = response.getheader("X-Page-Cache") or "none"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    with lock:
        latencies.extend(mine)
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
        for outcome, count in outcomes.items():
            page_cache[outcome] = page_cache.get(outcome, 0) + count
        errors.append(failed)


def main():
    spec = json.load(sys.stdin)
    latencies, statuses, page_cache, errors, lock = [], {}, {}, [], threading.Lock()
    numbers = itertools.count()  # request numbers for a scenario's sequence (next() is atomic under the GIL)
    started = time.monotonic()
    stop_at = started + spec["duration"]
    threads = [
        threading.Thread(
            target=worker,
            args=(
                spec,
                stop_at,
                latencies,
                statuses,
                page_cache,
                errors,
                lock,
                spec["scenario"].get("tokens", []),
                numbers,
            ),
        )
        for _ in range(spec["connections"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else 0

    json.dump(
        {
            "requests": len(latencies),
            "rps": len(latencies) / elapsed,
            "p50_ms": percentile(50),
            "p99_ms": percentile(99),
            "socket_errors": sum(errors),
            "statuses": statuses,
            "page_cache": page_cache,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
