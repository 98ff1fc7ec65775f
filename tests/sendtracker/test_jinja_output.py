"""The Jinja2 pages print values as the Django template language does (sendtracker/jinja2.py's ``finalize``)."""

import datetime

from django.template import engines
from django.utils.safestring import mark_safe
from markupsafe import Markup


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_text_with_quotes_is_escaped_as_django_spells_them():
    assert render("{{ value }}", value='Children\'s "services" & <b>') == (
        "Children&#x27;s &quot;services&quot; &amp; &lt;b&gt;"
    )


def test_safe_markup_is_printed_exactly_as_given():
    """Markup is a str too: it must never be rewritten (it was, when it held a quote)."""
    given = '<a title="Don&#39;t" href="/x">it&#34;s</a>'
    assert render("{{ value }}", value=Markup(given)) == given
    assert render("{{ value }}", value=mark_safe(given)) == given  # noqa: S308


def test_dates_and_numbers_are_localised_as_django_prints_them():
    assert render("{{ value }}", value=1234567) == "1234567"
    assert render("{{ value }}", value=datetime.date(2023, 5, 17)) == "17 May 2023"
    assert render("{{ value }}", value=None) == "None"
