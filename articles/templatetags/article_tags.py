"""Template helpers for the journalism."""

from django import template
from django.utils.safestring import mark_safe

from articles.html import sanitise_html

register = template.Library()


@register.filter
def sanitised(value):
    """Article HTML, sanitised again as it is shown (it was sanitised when saved, too)."""
    return mark_safe(sanitise_html(value))  # noqa: S308 - the sanitiser's output is the safe subset
