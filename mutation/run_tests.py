"""The test command for one mutant: the tests of the mutated module's own app, on SQLite.

poodle names the mutated file in MUT_SOURCE_FILE (MUTATE_MODULE for the clean run). The tests stop at the first failure.
"""

import os
import subprocess
import sys
from pathlib import Path

TESTS = {
    "councils/choices.py": ["tests/councils/test_status_rules.py", "tests/councils/test_services.py"],
    "councils/services.py": [
        "tests/councils/test_services.py",
        "tests/councils/test_rules_renames.py",
        "tests/councils/test_status_rules.py",
    ],
    "councils/partnerships.py": ["tests/councils/test_partnerships.py"],
    "comments/checks.py": ["tests/comments/test_check_rules.py", "tests/comments/test_checks.py"],
    "comments/protection.py": ["tests/comments/test_protection_rules.py", "tests/comments/test_protection.py"],
    "comments/services.py": ["tests/comments/test_submission_rules.py", "tests/comments/test_services.py"],
    "sendtracker/client_address.py": ["tests/sendtracker/test_client_address.py"],
    "sendtracker/cache/versions.py": [
        "tests/sendtracker/test_cache_versions.py",
        "tests/sendtracker/test_page_cache.py",
    ],
    "sendtracker/cache/writes.py": ["tests/sendtracker/test_cache_versions.py", "tests/sendtracker/test_page_cache.py"],
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
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
