"""The deployed code version, part of every page key and ETag: a release never serves the last one's pages.

``DJANGO_RELEASE`` if set, else the git commit of the checkout (read once, at start-up),
else ``dev``.
"""

import os
import subprocess
from pathlib import Path


def _release():
    if value := os.environ.get("DJANGO_RELEASE", "").strip():
        return value
    try:
        answer = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "dev"
    return answer.stdout.strip() or "dev"


RELEASE = _release()
