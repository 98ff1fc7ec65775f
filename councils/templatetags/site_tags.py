"""Template helpers shared by every public page."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """The page's public address on SITE_URL, without its query string."""
    request = context.get("request")
    path = path or (request.path if request is not None else "/")
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag
def site_name():
    return settings.SITE_NAME
