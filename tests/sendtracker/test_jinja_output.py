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


def meta(path, **extra):
    from django.test import RequestFactory

    template = engines["jinja2"].from_string("{{ page_meta(**extra) }}")
    return template.render({"extra": extra}, request=RequestFactory().get(path))


def django_meta(path, **extra):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    return render_to_string("_meta.html", extra, request=RequestFactory().get(path))


def test_kept_page_metadata_names_each_pages_own_title_and_address():
    """The tracker's metadata is kept with a slot for the title: each date's page names its own date."""
    description = Markup("Every council&#x27;s status.")
    first = meta("/tracker/", title="Tracker as it stood on 2023-09-01", description=description)
    second = meta("/tracker/", title="Tracker as it stood on 2024-01-31", description=description)
    elsewhere = meta("/councils/kent/", title="Tracker as it stood on 2024-01-31", description=description)

    assert first == django_meta("/tracker/", title="Tracker as it stood on 2023-09-01", description=description)
    assert second == django_meta("/tracker/", title="Tracker as it stood on 2024-01-31", description=description)
    assert "<title>Tracker as it stood on 2024-01-31 | SEND Tracker</title>" in second
    assert '<meta property="og:title" content="Tracker as it stood on 2024-01-31">' in second
    assert "2023-09-01" not in second
    assert elsewhere == django_meta(
        "/councils/kent/", title="Tracker as it stood on 2024-01-31", description=description
    )
    assert '/councils/kent/">' in elsewhere
    assert "/councils/kent/" not in second


def test_page_metadata_with_a_title_to_escape_is_drawn_by_django():
    title = 'Children\'s "services" <b>'
    assert meta("/tracker/", title=title) == django_meta("/tracker/", title=title)
    assert "Children&#x27;s &quot;services&quot; &lt;b&gt;" in meta("/tracker/", title=title)


def test_a_moment_is_printed_in_the_current_time_zone_each_time():
    from django.utils import timezone

    moment = datetime.datetime(2024, 7, 1, 11, 30, tzinfo=datetime.UTC)
    assert render('{{ value|date("j F Y, H:i") }}', value=moment) == "1 July 2024, 12:30"  # London, summer time
    with timezone.override("Asia/Tokyo"):
        assert render('{{ value|date("j F Y, H:i") }}', value=moment) == "1 July 2024, 20:30"
    assert render('{{ value|date("j F Y, H:i") }}', value=moment) == "1 July 2024, 12:30"
