"""Status badges: a status's colour, shape and words together, so colour is never the only cue."""

from functools import cache

from django import template
from django.template.loader import render_to_string

from councils.charts import legend
from councils.choices import PilotStatus

register = template.Library()


@cache
def _badge(status_value):
    return render_to_string("councils/_status_badge.html", {"entry": legend([status_value], r=5)[0]})


def status_badge_html(status):
    """A status's badge (``councils/_status_badge.html``): the same for every row with that status, so it is
    rendered once per process, not once per row (a tracker page draws one per council)."""
    return _badge(PilotStatus(status).value)


@register.simple_tag
def status_badge(status):
    return status_badge_html(status)


@register.simple_tag
def status_entry(status):
    return legend([status], r=5)[0]


@register.filter
def figure_value(figure):
    """A key figure as a headline number: £70m rather than £70,000,000."""
    value = figure.value
    if figure.unit == "£" and value >= 1_000_000:
        millions = value / 1_000_000
        return f"£{millions:.0f}m" if millions == millions.to_integral_value() else f"£{millions:.1f}m"
    return figure.display_value


@register.filter
def names(items):
    """Names in a sentence: "Leicester", "Gloucestershire and Swindon", "Leicester, Leicestershire and Rutland"."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@register.filter
def name_on(renamed, date):
    """A partnership's (or programme's) name as it stood on ``date``; today's name without a date."""
    return renamed.name_on(date) if date else renamed.name
