"""The test command for one mutant: the tests of the mutated module's own app, on SQLite.

poodle names the mutated file in MUT_SOURCE_FILE (MUTATE_MODULE for the clean run). The tests stop at the first failure.

With MUTATE_LOG set (mutation/run.sh sets it), each mutant's outcome is appended to that file as
it is known, one JSON line with the original line and the mutant's text: poodle itself reports
survivors only when a module's run ends, so a run stopped at its time limit would name none.
With MUTATE_RESUME=1 as well, a mutant the log records as killed on the same source file is
counted killed again without running: for resuming a stopped run after only ADDING tests.
"""

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = {
    "councils/choices.py": ["tests/councils/test_status_rules.py", "tests/councils/test_services.py"],
    "councils/services.py": [
        "tests/councils/test_services.py",
        "tests/councils/test_rules_status.py",
        "tests/councils/test_rules_renames.py",
        "tests/councils/test_status_rules.py",
    ],
    # The rules first, then the events they record, then the admin's refusal messages.
    "councils/partnerships.py": [
        "tests/councils/test_rules_partnerships.py",
        "tests/councils/test_partnerships.py",
        "tests/councils/test_partnership_events.py",
        "tests/councils/test_admin_partnerships.py",
    ],
    "comments/checks.py": [
        "tests/comments/test_rules_checks.py",
        "tests/comments/test_check_rules.py",
        "tests/comments/test_checks.py",
    ],
    "comments/protection.py": [
        "tests/comments/test_rules_protection.py",
        "tests/comments/test_protection.py",
        # The Redis path of claim_submission (one Lua script) runs only against a real Redis.
        "tests/comments/test_form_tokens_in_redis.py",
        "tests/comments/test_round_trips.py",
    ],
    "comments/services.py": [
        "tests/comments/test_submission_rules.py",
        "tests/comments/test_rules_services.py",
        "tests/comments/test_services.py",
    ],
    "sendtracker/client_address.py": ["tests/sendtracker/test_client_address.py"],
    "sendtracker/cache/versions.py": [
        "tests/sendtracker/test_rules_cache.py",
        "tests/sendtracker/test_cache_versions.py",
        "tests/sendtracker/test_page_cache.py",
        "tests/sendtracker/test_cache_dependencies.py",
    ],
    "sendtracker/cache/writes.py": [
        "tests/sendtracker/test_rules_cache.py",
        "tests/sendtracker/test_cache_versions.py",
        "tests/sendtracker/test_page_cache.py",
        "tests/sendtracker/test_cache_dependencies.py",
        "tests/sendtracker/test_cache_purge.py",
    ],
    # Who is told of a change, and each message at most once (the alert idempotency).
    "alerts/delivery.py": [
        "tests/alerts/test_rules_delivery.py",
        "tests/alerts/test_sending.py",
        "tests/alerts/test_concurrency.py",
        "tests/alerts/test_follow.py",
    ],
}
NO_PLUGINS = [
    "-p",
    "no:schemathesis",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:xdist",
    "-p",
    "no:anyio",
    "-p",
    "no:faker",
]


def main():
    # The clean run before the mutants has no MUT_SOURCE_FILE: `make mutate` names the module.
    source = os.environ.get("MUT_SOURCE_FILE", "None")
    if source == "None":
        source = os.environ.get("MUTATE_MODULE", "")
    source = Path(source).as_posix().removeprefix("./")
    tests = TESTS.get(source)
    if tests is None:
        print(f"No tests are mapped to {source!r}: add it to mutation/run_tests.py.", file=sys.stderr)
        return 2
    mutant = _mutant(source)
    if mutant and os.environ.get("MUTATE_RESUME") == "1" and _killed_before(mutant):
        print("Killed in an earlier run of this source (MUTATE_RESUME=1).")
        return 1
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # SQLite, the fastest
    # --no-migrations: the test database is built from the models (6 s of migrations saved per
    # mutant); the migrations have their own tests, and none of these files needs a data migration's rows.
    # The plugins no rules test uses are not loaded: importing hypothesis and schemathesis took
    # half of each run's CPU time.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-migrations",
        *NO_PLUGINS,
        *tests,
    ]
    started = time.monotonic()
    returncode = subprocess.run(command, env=env, check=False).returncode
    if mutant:
        _log(
            mutant | {"returncode": returncode, "killed": returncode != 0, "seconds": round(time.monotonic() - started)}
        )
    return returncode


def _mutant(source):
    """The mutant poodle is running (None for the clean run, or without MUTATE_LOG)."""
    log, root = os.environ.get("MUTATE_LOG"), os.environ.get("MUTATE_ROOT")
    if not log or not root or os.environ.get("MUT_SOURCE_FILE", "None") == "None":
        return None
    original = (Path(root) / source).read_text()
    lineno = int(os.environ["MUT_LINENO"])
    return {
        "module": source,
        "source_sha": hashlib.sha256(original.encode()).hexdigest()[:16],
        "lineno": lineno,
        "end_lineno": int(os.environ["MUT_END_LINENO"]),
        "col": int(os.environ["MUT_COL_OFFSET"]),
        "end_col": int(os.environ["MUT_END_COL_OFFSET"]),
        "original": original.splitlines()[lineno - 1].strip(),
        "mutant": os.environ.get("MUT_TEXT", ""),
    }


def _same(a, b):
    keys = ("module", "source_sha", "lineno", "end_lineno", "col", "end_col", "mutant")
    return all(a[key] == b[key] for key in keys)


def _killed_before(mutant):
    path = Path(os.environ["MUTATE_LOG"])
    if not path.exists():
        return False
    return any(_same(json.loads(line), mutant) and json.loads(line)["killed"] for line in path.read_text().splitlines())


def _log(record):
    with open(os.environ["MUTATE_LOG"], "a") as log:
        log.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    sys.exit(main())
