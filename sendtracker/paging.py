"""One rule for every public list's page numbers: a page that does not exist is a clear 404.

A list in pages (the changes, the articles, the quotes, a council's timeline, an article's
comments) reads its page number through ``page_or_404``. Page 1 is the address without the
parameter; ``?page=`` (empty) is page 1 too. Anything else that is not a page of the list
(``?page=lots``, ``?page=0``, ``?page=99`` on a three-page list) answers 404 with a message
that says which pages there are, never a 500 and never a copy of another page: a copy under
every junk number would make the page cache keep one entry per number.
"""

from django.core.paginator import Paginator
from django.http import Http404

# A page number longer than this is junk (and int() of a very long string is refused anyway).
MAX_DIGITS = 9


class NoSuchPage(Http404):
    """A page number that is not a page of the list; its message is shown on the 404 page."""


def page_number(raw, *, what="this list"):
    """The page number ``raw`` (a query parameter's value, or None) stands for: 1 when absent or empty."""
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS or int(raw) < 1:
        raise NoSuchPage(f"“{raw[:20]}” is not a page of {what}: pages are numbered 1, 2, 3 and so on.")
    return int(raw)


def check_page(number, num_pages, *, what="this list"):
    """Refuse ``number`` past the last page (an empty list has one page, the first)."""
    if number > max(num_pages, 1):
        pages = "one page" if num_pages <= 1 else f"{num_pages} pages"
        raise NoSuchPage(f"There is no page {number} of {what}: it has {pages}.")
    return number


def page_or_404(items, per_page, raw, *, what="this list"):
    """The page ``raw`` of ``items`` (a queryset or list), ``per_page`` to a page, or NoSuchPage."""
    paginator = Paginator(items, per_page)
    number = page_number(raw, what=what)
    check_page(number, paginator.num_pages, what=what)
    return paginator.page(number)


class PageOf:
    """One page's rows, already read, and the whole list's length: what ``Paginator`` needs to
    number the pages without reading every row (a page read with its count in one query)."""

    def __init__(self, rows, count):
        self.rows = list(rows)
        self.length = count

    def count(self):
        return self.length

    def __len__(self):
        return self.length

    def __getitem__(self, key):
        return self.rows  # Paginator asks for the current page's slice: these rows
