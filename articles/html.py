"""The one sanitiser for article HTML: paragraphs, subheadings, links, lists and block quotes."""

import re

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "a", "blockquote", "ul", "ol", "li", "strong", "em", "br", "cite"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "blockquote": {"cite"}}
ALLOWED_URL_SCHEMES = {"http", "https"}
URL_ATTRIBUTES = {"href", "cite"}
# Browsers drop ASCII whitespace and controls inside a URL, so "java\tscript:" is "javascript:".
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _web_addresses_only(tag, attribute, value):
    """nh3's attribute filter: an href or cite is kept only if it is http(s) or relative to this site.

    nh3 applies its URL schemes to href but not to ``<blockquote cite>``; this covers both.
    """
    if attribute not in URL_ATTRIBUTES:
        return value
    scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", value))
    if scheme and scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return value


def sanitise_html(value):
    """Strip everything but the allowed tags; links get rel="noopener noreferrer"; URLs are http(s) only."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_web_addresses_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
