"""Readers' text as HTML: escaped, in paragraphs, web addresses as nofollow links, homoglyphs shown.

Used by the templates (through the ``your_thoughts`` filters) and by the moderators' admin.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from django.utils.encoding import iri_to_uri
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .checks import URL_RE, clean_text

LINK_REL = "nofollow ugc noopener"
_TRAILING = ".,;:!?'\")]}>"


def safe_link(url):
    """An http(s) URL fit for href, with a non-ASCII host shown as punycode (so homoglyphs show), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host or "@" in parts.netloc:
        return None
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    netloc = f"{host}:{port}" if port else host
    return iri_to_uri(urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment)))


def _split_trailing(url):
    """Leave sentence punctuation (and an unbalanced closing bracket) out of a link."""
    trailing = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    return url, trailing


def linkify(line):
    pieces, position = [], 0
    for match in URL_RE.finditer(line):
        url, trailing = _split_trailing(match.group(0))
        pieces.append(escape(line[position : match.start()]))
        href = safe_link(url)
        if href:
            pieces.append(format_html('<a href="{}" rel="{}">{}</a>', href, LINK_REL, href))
        else:
            pieces.append(escape(url))
        pieces.append(escape(trailing))
        position = match.end()
    pieces.append(escape(line[position:]))
    return "".join(str(piece) for piece in pieces)


def comment_text(value):
    """Escaped text in paragraphs, line breaks kept, web addresses as nofollow links."""
    paragraphs = [para for para in re.split(r"\n\s*\n", clean_text(value)) if para.strip()]
    html = "\n".join("<p>" + "<br>".join(linkify(line) for line in para.split("\n")) + "</p>" for para in paragraphs)
    return mark_safe(html)  # every piece of reader text above went through escape()
