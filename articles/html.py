"""The one sanitiser for article HTML: paragraphs, subheadings, links, lists and block quotes."""

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "a", "blockquote", "ul", "ol", "li", "strong", "em", "br", "cite"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "blockquote": {"cite"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(value):
    """Strip everything but the allowed tags; links get rel="noopener noreferrer"."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
