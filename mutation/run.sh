#!/bin/sh
# make mutate: one poodle run per rules module, each with a time limit; the summary goes to
# mutation-report/<module>.txt. Usage: mutation/run.sh [module.py ...] (default: all of them).
# MUTATE_TIMEOUT (seconds per module, default 1800) and MUTATE_WORKERS (default 2) tune it.
# mutation-report/<module>.log gets one line per mutant as it finishes (see mutation/run_tests.py;
# MUTATE_RESUME=1 counts the mutants it records as killed without running them again).
set -u
cd "$(dirname "$0")/.."
VENV_BIN="$(pwd)/.venv/bin"
MODULES="${*:-councils/choices.py councils/services.py councils/partnerships.py comments/checks.py comments/protection.py comments/services.py sendtracker/client_address.py sendtracker/cache/versions.py sendtracker/cache/writes.py alerts/delivery.py}"
mkdir -p mutation-report
status=0
for module in $MODULES; do
    name=$(echo "$module" | tr / .)
    echo "== $module"
    # Each module its own work folder, so two runs never share one.
    sed "s|^work_folder = .*|work_folder = \".poodle-temp/$name\"|" mutation/poodle.toml > "mutation-report/$name.toml"
    MUTATE_MODULE="$module" MUTATE_ROOT="$(pwd)" MUTATE_LOG="$(pwd)/mutation-report/$name.log" PATH="$VENV_BIN:$PATH" PYTHONPATH=. timeout "${MUTATE_TIMEOUT:-1800}" \
        "$VENV_BIN/poodle" -c "mutation-report/$name.toml" --only "$module" -w "${MUTATE_WORKERS:-2}" \
        --json "mutation-report/$name.json" > "mutation-report/$name.txt" 2>&1 || status=1
    sed -n '/Mutation score\|FOUND\|NOT FOUND\|Mutants Not Found/,$p' "mutation-report/$name.txt" | tail -40
done
exit $status
