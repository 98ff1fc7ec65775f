"""`make bench`: throughput and latency of the main pages under load, against a baseline, in one run.

1. Builds the data set (bench/dataset.py) on PostgreSQL: DATABASE_URL, or the
   local ``sendtracker_bench`` database (created if missing). Reused when present;
   ``--rebuild`` builds it again.
2. Collects static files and starts gunicorn (gunicorn.conf.py, 2 workers) with
   production settings: DJANGO_DEBUG off, a freshly generated secret key,
   REDIS_URL (default: DB 5 of the local Redis), and bench/settings.py (serves
   /bench/ping and honours the X-Bench-No-Page-Cache header).
3. From separate processes, drives each scenario with wrk (a Python keep-alive
   client when wrk is not installed) at 4 and at 32 connections, in rounds (3 of
   2 s by default) alternating with the baseline (/bench/ping: the full middleware
   stack and nothing else) at the same connection count; a scenario's ratio is the
   median of its rounds' ratios to the baseline round just before. Before each
   round the server is left to finish the previous round's queued requests.
4. Prints one table (the baseline row is the median of its runs) and writes JSON
   to bench/results/ (a timestamped file and latest.json).

Usage: make bench   or   .venv/bin/python bench/run.py [--rounds 3] [--duration 2] [--db pool|persistent] [--rebuild] [--only NAME]
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
RESULTS = BASE / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sendtracker_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
CONNECTIONS = (4, 32)

# Each scenario's target, as a fraction of the baseline's requests/s (DESIGN/issue 6).
TARGETS = {
    "baseline": None,
    "tracker uncached": 0.15,
    "tracker cached": 0.5,
    "tracker 304": 0.6,
    "council page": 0.5,
    "article, 200 comments": None,
    "API councils uncached": 0.2,
    "comment POST valid": 0.15,
    "comment POST rate-limited": 0.5,
}

LUA = r"""
local config = %(config)s
counts = {}
local n = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  n = n + 1
  local headers = {}
  for k, v in pairs(config.headers) do headers[k] = v end
  local body = nil
  if config.body then
    body = string.gsub(config.body, "{n}", tostring(n) .. "-" .. tostring(math.random(1, 1000000000)))
  end
  if config.vary_ip then
    headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  end
  return wrk.format(config.method, config.path, headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, count in pairs(c) do merged[status] = (merged[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%%d": %%d', status, count)) end
  io.write(string.format(
    'BENCHJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"socket_errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def lua_table(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    return json.dumps(value)


# ---------------------------------------------------------------------------
# Set-up


def bench_env(args, port):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            "DJANGO_CACHE_PREFIX": "sendtracker-bench",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            "GUNICORN_ACCESS_LOG": "-",
            "GUNICORN_MAX_REQUESTS": "0",
            # The comment scenarios (articles/comments.py, settings COMMENTS_*). The form is
            # fetched once and posted at once, so no minimum form age; the X-Forwarded-For
            # the valid-POST scenario varies names the reader, as our proxy's would, so each
            # request is another reader and the per-address limit (5 in 10 minutes, kept)
            # refuses only the rate-limited scenario's single address.
            "DJANGO_COMMENTS_FORM_MIN_AGE_SECONDS": "0",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            # TLS ends at the proxy in production; the load generator talks plain HTTP to gunicorn.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # The API's per-address throttle would turn the load generator's one address into 429s.
            "DJANGO_API_ANON_RATE": "100000000/minute",
        }
    )
    if args.db == "pool":
        env["DJANGO_DB_POOL"] = "1"
        env["DJANGO_CONN_MAX_AGE"] = "0"
    else:
        env["DJANGO_DB_POOL"] = "0"
        env["DJANGO_CONN_MAX_AGE"] = "600"
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def ensure_database(url):
    """Create the benchmark's own database if it does not exist (never touches any other)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def prepare_data(env, rebuild):
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))})
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.core.management import call_command

    sys.path.insert(0, str(BASE / "bench"))
    import dataset

    call_command("migrate", verbosity=0, interactive=False)
    if rebuild or not dataset.is_built():
        started = time.monotonic()
        counts = dataset.build()
        print(f"Built the data set in {time.monotonic() - started:.1f} s: {counts}.")
    else:
        print("Reusing the data set already in the database (--rebuild to build it again).")
    paths = dataset.sample_paths()
    from django.db import connections

    connections.close_all()
    return paths


def start_server(env, port, log_path):
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE, env=env, check=True)
    log = open(log_path, "w")  # noqa: SIM115 (closed when the server stops)
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=BASE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping", timeout=2) as response:
                if response.status == 200:
                    return server, log
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port} within 30 s; see {log_path}")


# ---------------------------------------------------------------------------
# Scenarios


class FormFinder(HTMLParser):
    """The first POST form with a CSRF token: its action and its fields."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": {}}
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.current["fields"].setdefault(attrs["name"], attrs.get("value") or "on")
            elif attrs.get("tabindex") == "-1":
                # A honeypot, out of the tab order: people leave it empty, so the bench does.
                self.current["fields"][attrs["name"]] = ("honeypot", "")
            elif kind not in ("submit", "button"):
                self.current["fields"][attrs["name"]] = (kind, attrs.get("value") or "")
        elif tag == "textarea" and attrs.get("name"):
            self.current["fields"][attrs["name"]] = ("textarea", "")
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and self.select and attrs.get("value"):
            self.current["fields"].setdefault(self.select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.current is not None:
            if "csrfmiddlewaretoken" in self.current["fields"]:
                self.forms.append(self.current)
            self.current = None


def comment_form(base_url, article_path):
    """The article page's comment form, filled in, with the CSRF cookie it needs; or None."""
    request = urllib.request.Request(base_url + article_path)
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    finder = FormFinder()
    finder.feed(html)
    if not finder.forms:
        return None
    form = finder.forms[0]
    data = {}
    for name, value in form["fields"].items():
        if isinstance(value, str):
            data[name] = value  # checkbox, radio or select choice
            continue
        kind, default = value
        if name == "csrfmiddlewaretoken" or kind in ("hidden", "honeypot"):
            data[name] = default
        elif kind == "email":
            data[name] = "bench-{n}@example.org"
        elif kind == "textarea":
            data[name] = "A benchmark comment {n}: the assessment took eleven weeks, then the panel met."
        elif default:
            data[name] = default
        elif kind not in ("url",):
            data[name] = "Bench reader {n}" if "name" in name else "bench {n}"
    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
    action = urllib.parse.urljoin(article_path, form["action"] or article_path)
    return {"path": action, "body": urllib.parse.urlencode(data, safe="{}"), "cookie": cookie}


def available(base_url, path, headers=None):
    request = urllib.request.Request(base_url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200, dict(response.headers)
    except urllib.error.HTTPError as error:
        return False, dict(error.headers)


def post_once(base_url, scenario, ip=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": scenario["headers"]["Cookie"]}
    if ip:
        headers["X-Forwarded-For"] = ip
    body = scenario["body"].replace("{n}", secrets.token_hex(4)).encode()
    request = urllib.request.Request(base_url + scenario["path"], data=body, headers=headers, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def scenarios(base_url, paths):
    """Each scenario: its request, the statuses that count as success, or why it is not available."""
    bypass = {"X-Bench-No-Page-Cache": "1"}
    found = {}
    found["baseline"] = {"path": "/bench/ping"}
    found["tracker uncached"] = {"path": "/tracker/", "headers": bypass}
    found["tracker cached"] = {"path": "/tracker/"}
    found["tracker 304"] = None  # below: its ETag is read after the comment probes, whose writes replace it
    found["council page"] = {"path": paths["council"]}
    found["article, 200 comments"] = {"path": paths["article"]}
    api_ok, _ = available(base_url, "/api/councils/")
    found["API councils uncached"] = (
        {"path": "/api/councils/", "headers": bypass} if api_ok else "/api/councils/ not available on this branch"
    )
    form = comment_form(base_url, paths["article"])
    if form is None:
        reason = "no comment form on the article page on this branch"
        found["comment POST valid"] = found["comment POST rate-limited"] = reason
        return with_tracker_etag(base_url, found)
    post = {
        "method": "POST",
        "path": form["path"],
        "headers": {"Content-Type": "application/x-www-form-urlencoded", "Cookie": form["cookie"]},
        "body": form["body"],
    }
    # A valid comment: each request from a different reader address (X-Forwarded-For), so no limit applies.
    status = post_once(base_url, post, ip="10.9.9.9")
    if status in (200, 201, 302, 303):
        found["comment POST valid"] = {**post, "vary_ip": True, "ok": (200, 201, 302, 303)}
    else:
        found["comment POST valid"] = f"a valid comment POST answered {status}"
    # Rate-limited: one address posts until refused, then keeps posting.
    for _ in range(100):
        status = post_once(base_url, post)
        if status == 429:
            found["comment POST rate-limited"] = {**post, "ok": (429,)}
            break
    else:
        found["comment POST rate-limited"] = f"no 429 after 100 POSTs from one address (last answered {status})"
    return with_tracker_etag(base_url, found)


def with_tracker_etag(base_url, found):
    """The conditional GET sends the tracker's current ETag (read after any probe that wrote)."""
    ok, headers = available(base_url, "/tracker/")
    etag = headers.get("ETag")
    found["tracker 304"] = (
        {"path": "/tracker/", "headers": {"If-None-Match": etag}, "ok": (304,)} if etag else "no ETag on /tracker/"
    )
    return found


# ---------------------------------------------------------------------------
# Load generators


def run_wrk(base_url, scenario, connections, duration):
    config = {
        "method": scenario.get("method", "GET"),
        "path": scenario["path"],
        "headers": scenario.get("headers", {}),
        "body": scenario.get("body"),
        "vary_ip": scenario.get("vary_ip", False),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"config": lua_table(config)})
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "1" if connections < 8 else "2",
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(script.name)
    if output.returncode != 0:
        raise SystemExit(f"wrk failed: {output.stderr or output.stdout}")
    output = output.stdout
    match = re.search(r"^BENCHJSON (.*)$", output, re.M)
    raw = json.loads(match.group(1))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "socket_errors": raw["socket_errors"],
        "statuses": {int(k): v for k, v in raw["statuses"].items()},
    }


def run_python_client(base_url, scenario, connections, duration):
    spec = json.dumps({"base_url": base_url, "scenario": scenario, "connections": connections, "duration": duration})
    output = subprocess.run(
        [PYTHON, str(BASE / "bench" / "pyload.py")], input=spec, capture_output=True, text=True, check=True
    ).stdout
    measured = json.loads(output)
    measured["statuses"] = {int(k): v for k, v in measured["statuses"].items()}
    return measured


# ---------------------------------------------------------------------------
# Report


def settle(base_url, limit=10.0):
    """Wait until the server has finished the previous round's queued requests.

    When wrk stops, requests it sent to a slow page are still being served; the next
    round would otherwise be measured against that backlog.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base_url + "/bench/ping", timeout=limit) as response:
            response.read()
        if time.monotonic() - started < 0.02:
            return


def combine(name, scenario, connections, rounds):
    """One scenario's rounds as one measurement: total throughput, median latencies, all statuses."""
    statuses = {}
    for r in rounds:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "scenario": name,
        "connections": connections,
        "path": scenario["path"],
        "ok": scenario.get("ok", (200,)),
        "requests": sum(r["requests"] for r in rounds),
        "rps": statistics.mean(r["rps"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "socket_errors": sum(r["socket_errors"] for r in rounds),
        "statuses": statuses,
        "rounds": [{k: r[k] for k in ("rps", "p50_ms", "p99_ms")} for r in rounds],
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
    for connections in CONNECTIONS:
        runs = sorted(
            (r for r in results if r["scenario"] == "baseline" and r["connections"] == connections),
            key=lambda r: r["rps"],
        )
        if runs:
            median = dict(runs[len(runs) // 2])
            median["runs_rps"] = [round(r["rps"]) for r in runs]
            baselines.append(median)
    return baselines + [r for r in results if r["scenario"] != "baseline"]


def print_table(results):
    header = (
        f"{'scenario':<28}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'baseline':>10}{'ratio':>8}{'target':>8}  met"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        if "rps" not in r:
            print(f"{r['scenario']:<28}{r['connections']:>6}  not available: {r['reason']}")
            continue
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        target = f"{r['target']:.2f}" if r["target"] is not None else "-"
        print(
            f"{r['scenario']:<28}{r['connections']:>6}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['errors']:>8}{r.get('baseline_rps', r['rps']):>10.0f}{ratio:>8}{target:>8}  {'yes' if r['met'] else 'NO'}"
        )
    print()


def main():
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
    parser.add_argument("--env", action="append", default=[], help="extra KEY=VALUE for the server (repeatable)")
    args = parser.parse_args()

    env = bench_env(args, args.port)
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    ensure_database(env["DATABASE_URL"])
    paths = prepare_data(env, args.rebuild)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    drive = run_wrk if use_wrk else run_python_client
    RESULTS.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    server, log = start_server(env, args.port, RESULTS / "gunicorn.log")
    base_url = f"http://127.0.0.1:{args.port}"
    results = []
    try:
        found = scenarios(base_url, paths)
        baseline = found.pop("baseline")
        for name, scenario in found.items():
            if args.only and name not in args.only:
                continue
            for connections in CONNECTIONS:
                if isinstance(scenario, str):
                    results.append({"scenario": name, "connections": connections, "reason": scenario})
                    continue
                # The baseline and the scenario alternate in short rounds at the same connection
                # count, and the ratio is the median of the rounds' ratios: the machine's load
                # drifts during a run (it is shared), and each pair of rounds drifts together.
                if scenario.get("method", "GET") == "GET":
                    available(base_url, scenario["path"], scenario.get("headers"))  # warm the page cache
                base_rounds, rounds = [], []
                for _ in range(args.rounds):
                    settle(base_url)
                    base_rounds.append(drive(base_url, baseline, connections, args.duration))
                    settle(base_url)
                    rounds.append(drive(base_url, scenario, connections, args.duration))
                paired = combine("baseline", baseline, connections, base_rounds)
                result = combine(name, scenario, connections, rounds)
                result["baseline_rps"] = paired["rps"]
                result["ratio"] = statistics.median(
                    r["rps"] / b["rps"] for r, b in zip(rounds, base_rounds, strict=True)
                )
                results += [paired, result]
                print(
                    f"  {name} at {connections} connections: {result['rps']:.0f} req/s, ratio {result['ratio']:.2f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    results = summarise(results)
    print_table(results)
    report = {
        "started_at": started_at.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "server": {"workers": args.workers, "threads": args.threads, "db_connections": args.db},
        "load_generator": "wrk" if use_wrk else "python",
        "round_s": args.duration,
        "rounds": args.rounds,
        "results": results,
    }
    out = RESULTS / f"bench-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"Results written to {out.relative_to(BASE)}.")


if __name__ == "__main__":
    main()
