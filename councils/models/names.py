"""Names that change over time: a model's earlier names, the name in force on a date, "formerly …"."""

import datetime
from dataclasses import dataclass

from django.db import models

from sendtracker.staff_text import StaffTextMixin


def name_in_force(current, former_names, date):
    """The name in force on ``date``: the first earlier name not yet replaced by then, else ``current``.

    Reads ``former_names`` in Python, so a prefetched ``former_names.all()`` costs no query.
    """
    later = [former for former in former_names if former.replaced_on > date]
    return min(later, key=lambda former: former.replaced_on).name if later else current


def formerly(former_names):
    """Earlier names, oldest first and each once, as words for "formerly …" ("" if none)."""
    names = []
    for former in sorted(former_names, key=lambda former: former.replaced_on):
        if former.name not in names:
            names.append(former.name)
    return ", then ".join(names)


@dataclass(frozen=True)
class NameSpan:
    """One name and the days it was in use; the source is that of the change that brought it in."""

    name: str
    since: datetime.date | None  # None: in use from the start of the record
    until: datetime.date | None  # the last day in use; None: still in use
    source_url: str = ""
    source_title: str = ""


def name_history(current, former_names):
    """Every name, oldest first, ending with ``current``: a list of NameSpan."""
    spans, since, source = [], None, ("", "")
    for former in sorted(former_names, key=lambda former: former.replaced_on):
        spans.append(NameSpan(former.name, since, former.replaced_on - datetime.timedelta(days=1), *source))
        since, source = former.replaced_on, (former.source_url, former.source_title)
    spans.append(NameSpan(current, since, None, *source))
    return spans


class RenamedOverTime:
    """``name_on(date)`` and ``formerly`` for a model whose earlier names are its ``former_names``."""

    def name_on(self, date):
        return name_in_force(self.name, self.former_names.all(), date)

    @property
    def formerly(self):
        return formerly(self.former_names.all())

    @property
    def name_history(self):
        return name_history(self.name, self.former_names.all())


class FormerName(StaffTextMixin, models.Model):
    """A name something was known by until ``replaced_on``, when today's name (or a later one) took over."""

    name = models.CharField(max_length=200)
    replaced_on = models.DateField(
        help_text="The day the next name took over: this name was in use until the day before."
    )
    source_url = models.URLField("source URL", blank=True, max_length=500)
    source_title = models.CharField("source title", max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-replaced_on"]

    def __str__(self):
        return f"{self.name} (until {self.replaced_on:%-d %B %Y})"
