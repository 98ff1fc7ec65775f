"""The Celery app: readers' email alerts run here, never in a web request.

Configured from Django's settings (the ``CELERY_`` ones in sendtracker/settings.py): Redis
(``REDIS_URL``) is the broker in production; without it, tasks run in-process
(``task_always_eager``), so ``make run`` needs no worker. Run a worker and the beat
schedule with ``celery -A sendtracker worker`` and ``celery -A sendtracker beat``
(docs/deploy.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendtracker.settings")

app = Celery("sendtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
