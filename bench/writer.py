"""Writes made while a scenario's readers load pages (``make bench``): status changes at a steady rate.

Run by bench/load.py in a process of its own, with the server's environment
(``DJANGO_SETTINGS_MODULE=bench.settings``)::

    python bench/writer.py status RATE ARTICLE_SLUG

moves councils the article does not name from status to status through
``council_set_status`` (as the admin does), RATE times a second, until terminated. Prints
``ready`` once Django is set up and one warm-up change is made, and ``{"writes": N, "errors": M,
"cpu_s": S}`` at the end (S: this process's CPU seconds from ``ready`` on, the writes' own cost
on the Django side; PostgreSQL's and Redis's share is not in it).
"""

import json
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    import django

    django.setup()
    from articles.models import Article
    from councils.choices import PilotStatus
    from councils.models import Council
    from councils.services import council_set_status

    kind, rate, slug = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    if kind != "status":
        raise SystemExit(f"unknown writer {kind!r}")
    named = Article.objects.get(slug=slug).councils.values_list("pk", flat=True)
    councils = list(Council.objects.exclude(pk__in=list(named)).order_by("pk")[:20])

    def change(number):
        council = Council.objects.get(pk=councils[number % len(councils)].pk)
        status = PilotStatus.SHORTLISTED if council.status == PilotStatus.CONSIDERING else PilotStatus.CONSIDERING
        try:
            # Synthetic load, as bench/dataset.py's: the rules' override, with no user to check.
            council_set_status(council=council, status=status, note="Bench", override=True)
        except Exception as error:  # counted and shown: a refused move is a bench problem, not a crash
            print(f"status change refused: {error}", file=sys.stderr)
            return 1
        return 0

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # One change before the round, not counted: the first in a process loads code and opens
    # connections, which the admin's long-running server process has done long before.
    errors = change(len(councils) - 1)
    print("ready", flush=True)  # bench/load.py starts the round only now
    writes = 0
    cpu_at_ready = time.process_time()
    next_at = time.monotonic()
    while not stopping:
        errors += change(writes)
        writes += 1
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    cpu_s = time.process_time() - cpu_at_ready
    print(json.dumps({"writes": writes, "errors": errors, "cpu_s": round(cpu_s, 4)}), flush=True)


if __name__ == "__main__":
    main()
