"""The Jinja2 environment for the public pages that draw many rows: the tracker, its embed and council pages.

Rendered uncached (every edit, every distinct filter), those pages spent most of their time in
the Django template language's per-variable lookups and per-row inclusion tags; Jinja2 compiles
templates to Python and renders them several times faster (docs/performance.md has the figures).
Everything else (admin, forms' widgets, the other pages) stays on Django templates, and the
partials a Django page shares with these (page metadata, status chart, quotes, the follow form,
the site's header and footer) are rendered by Django from here (``django_include``), so each
exists once.

The output is the Django template language's, byte for byte (tests/sendtracker/test_page_snapshots.py):
``finalize`` localises and escapes each value as Django does (``&#x27;``, not markupsafe's
``&#39;``), autoescape stays on, and the filters are Django's own.
"""

import datetime
import re
from functools import lru_cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.forms import renderers
from django.template import defaultfilters
from django.template.loader import render_to_string
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone, template_localtime
from django.utils.translation import get_language
from jinja2 import Environment, pass_context
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

from councils.templatetags.tracker_tags import name_on, status_badge_html
from councils.tracker import filter_form, filter_widget, map_svg, tracker_rows_html


def finalize(value):
    """A value as ``{{ value }}`` in a Django template prints it: local time, localised, escaped unless safe.

    Autoescape (markupsafe, C code, several times faster than ``django.utils.html.escape``) escapes what
    this returns; only a text with a quote is escaped here, as Django spells them (``&#x27;`` and ``&quot;``;
    markupsafe writes ``&#39;`` and ``&#34;``), and returned as safe.
    """
    if hasattr(value, "__html__"):  # safe already (markup is a str too: never scanned, the rows are 130 KB)
        return value
    if not isinstance(value, str):
        value = localize(template_localtime(value))
        if not isinstance(value, str):
            return value
    if "'" in value or '"' in value:
        return Markup(str.replace(str.replace(markupsafe_escape(value), "&#39;", "&#x27;"), "&#34;", "&quot;"))
    return value


def date(value, arg=None):
    """Django's ``date`` filter, given local time as Django gives it (the filter ``expects_localtime``).

    A day (not a moment) reads the same in every time zone: each is formatted once per format and
    language per process (Django's formatting took about 30 µs a call; the tracker's table writes two
    per row, 300 a page).
    """
    if type(value) is datetime.date:
        return _day(value, arg, get_language())
    if type(value) is datetime.datetime:
        return _moment(value, arg, get_language(), get_current_timezone())
    return defaultfilters.date(template_localtime(value), arg)


@lru_cache(maxsize=4096)
def _day(value, arg, language):
    return defaultfilters.date(value, arg)


@lru_cache(maxsize=1024)
def _moment(value, arg, language, zone):
    """A moment in the current time zone (``zone``): the tracker's "last updated" is the same on every page
    until the next edit."""
    return defaultfilters.date(template_localtime(value), arg)


def truncatewords(value, arg):
    """Django's ``truncatewords``; a text is cut once per process (the tracker's table cuts a note per row)."""
    if type(value) is str:
        return _truncated(value, arg)
    return defaultfilters.truncatewords(value, arg)


@lru_cache(maxsize=1024)
def _truncated(value, arg):
    return defaultfilters.truncatewords(value, arg)


@lru_cache(maxsize=256)
def static(path):
    """Django's ``static()``: a file's address, looked up in the storage's manifest once per process (the
    manifest is written by ``collectstatic`` before the server starts; each page links a few files)."""
    return django_static(path)


def url(name, *args, **kwargs):
    """``url("councils:tracker")``, ``url("councils:feed", slug=...)``: Django's ``{% url %}``, each address
    reversed once per process (a tracker page links nine fixed addresses)."""
    try:
        return _reversed(get_script_prefix(), get_urlconf(), name, args, tuple(sorted(kwargs.items())))
    except TypeError:  # an argument that cannot be a key
        return reverse(name, args=args or None, kwargs=kwargs or None)


@lru_cache(maxsize=1024)
def _reversed(_script_prefix, _urlconf, name, args, kwargs):
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


@pass_context
def django_include(context, template_name, **extra):
    """Render a Django template shared with Django pages, with the request and ``extra`` as its context."""
    return mark_safe(render_to_string(template_name, extra, request=context.get("request")))  # noqa: S308


META_TEMPLATE = "_meta.html"
# A title a page's metadata can take into a kept copy as it is: nothing Django's escaping changes.
_PLAIN_TITLE = re.compile(r"[\w ,.:;()/-]{1,200}")
_TITLE_SLOT = "\x00"
_kept_meta = {}


@pass_context
def page_meta(context, title, **extra):
    """``django_include("_meta.html", title=title, **extra)``, kept once per process for each page address
    and metadata but the title, with a slot for the title (the tracker's names its date: each day of the
    history is another page). ``_meta.html`` reads nothing of the request but its path."""
    request = context.get("request")
    path = request.path if request is not None else None
    if not (isinstance(title, str) and not hasattr(title, "__html__") and _PLAIN_TITLE.fullmatch(title)):
        return django_include(context, META_TEMPLATE, title=title, **extra)
    key = (path, tuple(sorted((name, type(value), value) for name, value in extra.items())))
    try:
        kept = _kept_meta.get(key)
    except TypeError:  # a value that cannot be a key
        return django_include(context, META_TEMPLATE, title=title, **extra)
    if kept is None:
        kept = str(django_include(context, META_TEMPLATE, title=_TITLE_SLOT, **extra))
        if len(_kept_meta) >= 1024:
            _kept_meta.clear()
        _kept_meta[key] = kept
    return mark_safe(kept.replace(_TITLE_SLOT, title))  # noqa: S308 (plain text, checked above)


@lru_cache(maxsize=256)
def site_chrome(part, path):
    """The site's header or footer (``_site_header.html``, ``_site_footer.html``), the same for every page
    at ``path``: rendered by Django once per process and path."""
    return mark_safe(render_to_string(f"_site_{part}.html", {"path": path}))  # noqa: S308


class FormRenderer(renderers.Jinja2):
    """Django's own Jinja2 widget templates (django/forms/jinja2/), in this environment so that trailing
    newlines and escaping come out as the Django templates' do (one override: templates/jinja2/django/forms/widgets/
    attrs.html). The tracker's filter form draws about 30 checkboxes and options: through Django templates,
    a third of the page's render."""

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [settings.BASE_DIR / "templates" / "jinja2", Path(forms.__file__).parent / "jinja2"],
                "NAME": "djangoforms-jinja2",
                "OPTIONS": {"environment": "sendtracker.jinja2.environment"},
            }
        )


def environment(**options):
    env = Environment(**options, finalize=finalize, keep_trailing_newline=True)
    env.globals.update(
        {
            "static": static,
            "url": url,
            "django_include": django_include,
            "page_meta": page_meta,
            "format_html": format_html,
            "site_chrome": site_chrome,
            "status_badge": status_badge_html,
            "filter_form": filter_form,
            "filter_widget": filter_widget,
            "tracker_rows_html": tracker_rows_html,
            "map_svg": map_svg,
        }
    )
    env.filters.update(
        {
            "date": date,
            "pluralize": defaultfilters.pluralize,
            "yesno": defaultfilters.yesno,
            "truncatewords": truncatewords,
            "wordcount": defaultfilters.wordcount,
            "floatformat": defaultfilters.floatformat,
            "name_on": name_on,
        }
    )
    return env
