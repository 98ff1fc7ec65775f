"""Driving the load: each scenario in short rounds alternating with the baseline, with wrk or bench/pyload.py.

wrk runs bench/wrk.lua (it counts the answers by status); without wrk, bench/pyload.py, a
Python keep-alive client in a process of its own, is driven the same way.
"""

import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.scenarios import available, concrete, post_once, put_over_limit
from bench.server import PING_PATH

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = HERE / "wrk.lua"
PYLOAD = HERE / "pyload.py"
CONNECTIONS = (4, 32)


def lua_table(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua_table(item) for item in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    return json.dumps(value)


# Form tokens taken for one round of a comment scenario: more than a round can send. wrk's two
# threads take every other one, and one may run ahead of the other: at 1,500 a second the
# rate-limited POST (about 1,400 a second) reused tokens, answered 400 as replays.
TOKENS_PER_SECOND = 5000


def wrk_threads(connections):
    return 1 if connections < 8 else 2


def wrk_config(scenario, threads):
    """What bench/wrk.lua reads as ``config`` for one round of ``scenario`` (``concrete``: with its tokens).

    ``salt`` is new in each round and begins every "{n}": the database keeps the comments of every
    earlier run, and wrk's own random numbers repeat from run to run (it seeds them from the clock),
    so a round could send the very texts an earlier one had, and be refused as duplicates.
    """
    config = {
        "method": scenario.get("method", "GET"),
        "path": scenario["path"],
        "headers": scenario.get("headers", {}),
        "body": scenario.get("body"),
        "vary_ip": scenario.get("vary_ip", False),
        "tokens": scenario.get("tokens", []),
        "threads": threads,
        "salt": secrets.token_hex(8),
    }
    if scenario.get("sequence"):
        config.update(sequence=scenario["sequence"], start=scenario["start"])
    return config


# A round's connections all in one gunicorn worker leave the other idle: measured on /bench/ping with
# 4 connections (30 November), 1,373 to 1,449 req/s when one worker held all four, 2,971 to 3,642
# when both held some, in 4 of 10 rounds. A ratio of two rounds then said which of them was
# unlucky. So a round whose connections leave a worker short (``spread_ok``) is stopped at once
# and started again, up to SPREAD_ATTEMPTS times in all.
SPREAD_ATTEMPTS = 8
# What a stopped round may have sent, per second it ran: more than any sequence scenario's rate.
SEQUENCE_SKIP_PER_SECOND = 2000
RESTART_PAUSE = 0.25  # s: longer than the slowest scenario's requests take (an uncached council page, ~0.1 s)


def run_wrk(base_url, scenario, connections, duration, workers=None, threads_per_worker=None):
    """One round of ``scenario`` with wrk: its measurement, with ``spread`` (connections held by each worker,
    most first; None when ``ss`` cannot tell) and ``restarts`` (rounds stopped for a poor spread)."""
    threads = wrk_threads(connections)
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    skipped = 0
    for attempt in range(SPREAD_ATTEMPTS):
        started = {**scenario, "start": scenario["start"] + skipped} if scenario.get("sequence") else scenario
        config = wrk_config(concrete(started, TOKENS_PER_SECOND * duration), threads)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f"local config = {lua_table(config)}\n")
            script.write(WRK_SCRIPT.read_text())
        try:
            command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s"]
            began = time.monotonic()
            process = subprocess.Popen(
                [*command, "--timeout", "10s", "-s", script.name, base_url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            spread = connection_spread(port, connections, client=process.pid)
            last = attempt == SPREAD_ATTEMPTS - 1
            if last or spread_ok(spread, connections, workers, threads_per_worker):
                stdout, stderr = process.communicate()
                break
            process.kill()
            process.communicate()
            skipped += int(SEQUENCE_SKIP_PER_SECOND * (time.monotonic() - began)) + 64
            # The stopped round's last requests may still hold a worker (a slow render): while one is
            # busy, the other accepts every new connection, and the next attempt would be as lopsided.
            time.sleep(RESTART_PAUSE)
            settle(base_url)
        finally:
            os.unlink(script.name)
    if process.returncode != 0:
        raise SystemExit(f"wrk failed: {stderr or stdout}")
    match = re.search(r"^BENCHJSON (.*)$", stdout, re.M)
    raw = json.loads(match.group(1))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "socket_errors": raw["socket_errors"],
        "statuses": {int(k): v for k, v in raw["statuses"].items()},
        "page_cache": raw.get("page_cache", {}),
        "spread": spread,
        "restarts": attempt,
        "sequence_skipped": skipped,
    }


def connection_spread(port, connections, wait=1.0, client=None):
    """How many of the round's connections each server process holds, most first, once all are accepted
    (``ss``); None when ``ss`` is missing or not all were accepted within ``wait`` seconds.

    ``client``: the load generator's process id. Only its connections count: a background writer's
    (the "5 comments/s posted" scenario) would otherwise pass for one of its own, and a round with all
    of wrk's 4 in one worker and the writer's in the other read as [4, 1] and ran at half speed.
    """
    if not shutil.which("ss"):
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        ports = None if client is None else _client_ports(port, client)
        held = {}
        for peer, owner in _established(port, "sport", peer=True):
            if ports is None or peer in ports:
                held[owner] = held.get(owner, 0) + 1
        if sum(held.values()) >= connections and (ports is None or len(ports) >= connections):
            return sorted(held.values(), reverse=True)
        time.sleep(0.01)
    return None


def _established(port, side, peer=False):
    """(port, owning pid) of each established socket whose ``side`` (sport: this end, dport: the other)
    is ``port``, as ``ss`` lists them: the port is the other end's with ``peer``, else this end's.
    Sockets no process holds yet (not accepted) are left out."""
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( {side} = :{port} )"], capture_output=True, text=True
    ).stdout
    found = []
    for line in listing.splitlines():
        fields = line.split()
        owner = re.search(r"pid=(\d+)", line)
        if len(fields) >= 4 and owner:
            local, remote = fields[2].rsplit(":", 1)[1], fields[3].rsplit(":", 1)[1]
            found.append((int(remote if peer else local), int(owner.group(1))))
    return found


def _client_ports(port, client):
    """The local ports of ``client``'s connections to ``port``."""
    return {local for local, owner in _established(port, "dport") if owner == client}


def spread_ok(spread, connections, workers, threads_per_worker):
    """Whether every worker holds enough of the connections to be kept busy: one of 4, ``threads`` of 32.

    Unknown (no ``ss``, or the server's shape not given) counts as fine: the round is measured as it comes.
    """
    if spread is None or not workers:
        return True
    enough = min(threads_per_worker or 1, max(1, connections // (2 * workers)))
    return len(spread) >= min(workers, connections) and min(spread) >= enough


def run_python_client(base_url, scenario, connections, duration, workers=None, threads_per_worker=None):
    scenario = concrete(scenario, TOKENS_PER_SECOND * duration)
    spec = json.dumps({"base_url": base_url, "scenario": scenario, "connections": connections, "duration": duration})
    output = subprocess.run(
        [sys.executable, str(PYLOAD)], input=spec, capture_output=True, text=True, check=True
    ).stdout
    measured = json.loads(output)
    measured["statuses"] = {int(k): v for k, v in measured["statuses"].items()}
    return measured


def driver(client):
    """The load generator for ``--client`` (auto: wrk when installed): (function, name)."""
    if client == "wrk" or (client == "auto" and shutil.which("wrk")):
        return run_wrk, "wrk"
    return run_python_client, "python"


def settle(base_url, limit=10.0):
    """Wait until the server has finished the previous round's queued requests.

    When wrk stops, requests it sent to a slow page are still being served; the next
    round would otherwise be measured against that backlog.
    """
    deadline = time.monotonic() + 6 * limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base_url + PING_PATH, timeout=limit) as response:
                response.read()
        except (
            TimeoutError,
            urllib.error.URLError,
        ):  # still behind a slow scenario's backlog (32 uncached renders on a loaded machine)
            continue
        if time.monotonic() - started < 0.02:
            return


def drain(measured):
    """After a round: wait out the requests it left in the server, as long as its slowest ones took (p99, at most 10 s).

    ``settle`` alone cannot tell: its ping is answered by any idle thread, while the others
    still render a slow scenario's last requests (the uncached tracker's 32 left about 5 s of
    renders, which fell into the next scenario's baseline and first round).
    """
    time.sleep(min(10.0, 1.5 * measured["p99_ms"] / 1000))


def combine(name, scenario, connections, rounds):
    """One scenario's rounds as one measurement: total throughput, median latencies, all statuses."""
    statuses, page_cache = {}, {}
    for r in rounds:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
        for outcome, count in r.get("page_cache", {}).items():
            page_cache[outcome] = page_cache.get(outcome, 0) + count
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
        "page_cache": page_cache,  # answers by X-Page-Cache (hit, miss, not-modified, none)
        "rounds": [{k: r[k] for k in ("rps", "p50_ms", "p99_ms", "spread", "restarts") if k in r} for r in rounds],
    }


class Background:
    """Writes made while a scenario's round runs (its ``background``): comments posted or statuses changed.

    ``{"comments": post, "rate": 5}`` posts the comment form ``rate`` times a second, each from
    another reader address; ``{"status": article_slug, "rate": 2}`` runs bench/writer.py, which
    changes councils the article does not name. Counts the writes and their answers.
    """

    def __init__(self, spec, base_url, env):
        self.spec, self.base_url, self.env = spec, base_url, env
        self.writes, self.failed, self.statuses, self.cpu_s = 0, 0, {}, 0.0

    def __enter__(self):
        self.stopping = threading.Event()
        if "comments" in self.spec:
            self.thread = threading.Thread(target=self.post_comments, daemon=True)
            self.thread.start()
        else:
            self.process = subprocess.Popen(
                [sys.executable, str(HERE / "writer.py"), "status", str(self.spec["rate"]), self.spec["status"]],
                env=self.env,
                stdout=subprocess.PIPE,
                text=True,
            )
            # Django's start-up (seconds of CPU on a loaded machine) is not part of the round.
            for line in self.process.stdout:  # log lines may come first
                if line.strip() == "ready":
                    break
            else:
                raise SystemExit("bench/writer.py exited before it was ready")
        return self

    def post_comments(self):
        next_at = time.monotonic()
        while not self.stopping.is_set():
            ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
            status = post_once(self.base_url, self.spec["comments"], ip=ip)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.writes += 1
            next_at += 1 / self.spec["rate"]
            self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def __exit__(self, *exc):
        self.stopping.set()
        if "comments" in self.spec:
            self.thread.join(timeout=30)
        else:
            self.process.terminate()
            out, _ = self.process.communicate(timeout=30)
            done = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"writes": 0, "errors": 1}
            self.writes += done["writes"]
            self.failed += done["errors"]
            self.cpu_s += done.get("cpu_s", 0.0)
        return False


# Where each sequence scenario's next round starts (bench/scenarios.py's sequence_path): past every number the
# rounds before may have used, so no request of the run is sent twice (a page cache hit would flatter it).
_sequence_start = {}


def next_in_sequence(name, scenario):
    """The scenario for its next round: a sequence scenario gets the first request number not used yet."""
    if not scenario.get("sequence"):
        return scenario
    return {**scenario, "start": _sequence_start.get(name, 0)}


def used_sequence(name, scenario, measured):
    """Move the scenario's sequence past the numbers a round may have used (wrk threads interleave them)."""
    if scenario.get("sequence"):
        skipped = measured.get("sequence_skipped", 0)  # by rounds stopped for a poor spread (run_wrk)
        _sequence_start[name] = _sequence_start.get(name, 0) + skipped + 2 * measured["requests"] + 64


def measure(drive, base_url, baseline, name, scenario, connections, rounds, duration, env=None):
    """The scenario and its paired baseline at one connection count: (baseline result, scenario result).

    The baseline and the scenario alternate in short rounds at the same connection count,
    and the ratio is the median of the rounds' ratios: the machine's load drifts during a
    run (it is shared), and each pair of rounds drifts together.
    """
    background = scenario.get("background")
    scenario = {key: value for key, value in scenario.items() if key != "background"}
    if scenario.get("method", "GET") == "GET" and "{" not in scenario["path"]:
        available(base_url, scenario["path"], scenario.get("headers"))  # warm the page cache
    base_rounds, scenario_rounds, writers = [], [], []
    shape = server_shape(env)
    for _ in range(rounds):
        settle(base_url)
        base_rounds.append(drive(base_url, baseline, connections, duration, **shape))
        if scenario.get("over_limit"):
            put_over_limit(base_url, scenario)  # untimed: a limit that lapsed lets its first posts through
        settle(base_url)
        if background:
            with Background(background, base_url, env) as writer:
                scenario_rounds.append(drive(base_url, scenario, connections, duration, **shape))
            writers.append(writer)
        else:
            measured = drive(base_url, next_in_sequence(name, scenario), connections, duration, **shape)
            used_sequence(name, scenario, measured)
            scenario_rounds.append(measured)
        drain(scenario_rounds[-1])
    paired = combine("baseline", baseline, connections, base_rounds)
    result = combine(name, scenario, connections, scenario_rounds)
    if writers:
        statuses = {}
        for writer in writers:
            for status, count in writer.statuses.items():
                statuses[str(status)] = statuses.get(str(status), 0) + count
        result["background"] = {
            "writes": sum(w.writes for w in writers),
            "per_s": sum(w.writes for w in writers) / (rounds * duration),
            "failed": sum(w.failed for w in writers),
            "statuses": statuses,
        }
        if "status" in background:  # bench/writer.py's own CPU per status change (admin/service path, key bumps)
            writes = result["background"]["writes"]
            result["background"]["cpu_ms_per_write"] = 1000 * sum(w.cpu_s for w in writers) / writes if writes else None
    result["baseline_rps"] = paired["rps"]
    # A baseline round that got no answer at all (the machine swamped) pairs with nothing.
    ratios = [r["rps"] / b["rps"] for r, b in zip(scenario_rounds, base_rounds, strict=True) if b["rps"]]
    result["ratio"] = statistics.median(ratios) if ratios else None
    return paired, result


def restarted(*measurements):
    """ ", rounds started again for a poor spread: 3" (baseline and scenario), or nothing."""
    count = sum(r.get("restarts", 0) for m in measurements for r in m["rounds"])
    return f", rounds started again for a poor spread: {count}" if count else ""


def server_shape(env):
    """The server's workers and threads per worker (bench/server.py's environment), for ``spread_ok``."""
    if not env or "WEB_CONCURRENCY" not in env:
        return {}
    return {"workers": int(env["WEB_CONCURRENCY"]), "threads_per_worker": int(env.get("GUNICORN_THREADS", "1"))}


def run_all(drive, base_url, found, *, only, rounds, duration, env=None):
    """Every scenario in ``found`` (bench/scenarios.py), or those named in ``only``, at each connection count.

    A scenario that is not available gets a row with its reason. Prints a line per measurement.
    """
    found = dict(found)
    baseline = found.pop("baseline")
    results = []
    for name, scenario in found.items():
        if only and name not in only:
            continue
        for connections in CONNECTIONS:
            if isinstance(scenario, str):
                results.append({"scenario": name, "connections": connections, "reason": scenario})
                continue
            paired, result = measure(drive, base_url, baseline, name, scenario, connections, rounds, duration, env)
            results += [paired, result]
            writes = result.get("background")
            print(
                f"  {name} at {connections} connections: {result['rps']:.0f} req/s, ratio {result['ratio'] if result['ratio'] is None else round(result['ratio'], 2)}"
                + (f", {writes['per_s']:.1f} writes/s {writes['statuses'] or ''}" if writes else "")
                + (
                    f", {writes['cpu_ms_per_write']:.1f} ms CPU per write in the writer"
                    if writes and writes.get("cpu_ms_per_write")
                    else ""
                )
                + (f", page cache {result['page_cache']}" if set(result["page_cache"]) - {"none"} else "")
                + restarted(paired, result),
                flush=True,
            )
    return results
