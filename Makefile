# The project's vocabulary: make run, make test, make lint, make bench, make migrations-check, make mutate.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=1 DJANGO_SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test lint format migrations-check pytest bench bench-alerts bench-growth mutate setup clean backup restore

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

## make run: the site on an embedded SQLite database with the 153 councils, their care boards, the seed story and what followed.
setup: $(VENV)/.runtime-installed
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py import_councils
	$(DEV) $(PY) manage.py import_care_boards
	$(DEV) $(PY) manage.py load_seed_story
	$(DEV) $(PY) manage.py load_story_updates
	$(DEV) $(PY) manage.py create_demo_users

run: setup
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: lint, migrations check and the whole suite (DATABASE_URL picks the database).
test: $(VENV)/.dev-installed lint migrations-check pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: $(VENV)/.runtime-installed
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.dev-installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## make bench: throughput and latency of the main pages under load (PostgreSQL).
bench: $(VENV)/.dev-installed
	$(PY) bench/run.py $(BENCH_ARGS)

## make bench-alerts (or make bench BENCH_ARGS=--alerts): one status change to 10,000 followers through a Celery worker.
bench-alerts: $(VENV)/.dev-installed
	$(PY) bench/alerts.py

## make bench-growth (or make bench BENCH_ARGS=--growth): each page's time and size at 1x, 10x and 100x the data.
bench-growth: $(VENV)/.dev-installed
	$(PY) bench/growth.py $(GROWTH_ARGS)

## make backup [BACKUP=file.dump]: pg_dump the DATABASE_URL database (custom format).
## make restore BACKUP=file.dump INTO=new_db_name: restore it into a new database on the same server.
backup: $(VENV)/.runtime-installed
	$(PY) manage.py backup_database $(if $(BACKUP),--output $(BACKUP))

restore: $(VENV)/.runtime-installed
	@test -n "$(BACKUP)" -a -n "$(INTO)" || { echo "usage: make restore BACKUP=file.dump INTO=new_db_name"; exit 2; }
	$(PY) manage.py restore_database $(BACKUP) --into $(INTO)

## make mutate: mutation testing of the rules modules, one at a time, each against its own app's tests on
## SQLite (slow: not part of make test). MODULES="comments/checks.py ..." runs some; docs/testing.md has the last result.
mutate: $(VENV)/.dev-installed
	mutation/run.sh $(MODULES)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .poodle-temp mutation-report
