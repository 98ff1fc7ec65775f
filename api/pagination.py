"""Page-number pagination that says what was wrong with ``page`` or ``page_size``."""

import re

from django.core.paginator import InvalidPage, Page
from django.db.models import Count, Max, Window
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from sendtracker.site_url import absolute_url

WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _whole_number(request, name):
    """The parameter as a positive whole number, None if absent, or a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or not raw.strip("0"):
        raise ValidationError({name: [f"“{raw[:50]}” is not a whole number of 1 or more."]})
    # Absurdly long numbers are simply very large (past the last page, or capped).
    return int(raw) if len(raw) <= 100 else 10**100


def page_number(request):
    return _whole_number(request, APIPagination.page_query_param) or 1


class APIPagination(pagination.PageNumberPagination):
    """``?page=`` from 1, ``?page_size=`` up to 200 (larger values are capped at 200).

    A malformed value is a 400 and a page past the end a 404, each naming the parameter.
    """

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        size = _whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.latest_field = getattr(view, "last_modified_field", None)
        page_size = self.get_page_size(request)
        number = page_number(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = self.read_page(paginator, number)
        except InvalidPage:
            pages = paginator.num_pages
            raise NotFound(
                {
                    self.page_query_param: [
                        f"Page {number} is out of range: there {'is' if pages == 1 else 'are'} {pages} page{'' if pages == 1 else 's'}."
                    ]
                }
            ) from None
        return list(self.page)

    def read_page(self, paginator, number):
        """The page, and the number of matching rows, in one query: ``COUNT(*) OVER ()`` beside the rows.

        The newest ``latest_field`` (the view's ``last_modified_field``) of all matching rows
        comes the same way, as ``paginator.latest``, for the Last-Modified header.
        A window count is taken after any grouping (a list annotated with counts still counts
        its objects). Before DISTINCT it would count duplicates, so a distinct list, and a page
        past the end (which returns no row to carry the count), count separately as usual.
        """
        queryset = paginator.object_list
        if getattr(queryset, "query", None) is None or queryset.query.distinct or not isinstance(number, int):
            return paginator.page(number)
        start = (number - 1) * paginator.per_page
        if start >= 10**15:  # far past any end: the usual path answers the 404
            return paginator.page(number)
        window = {"api_total_count": Window(Count("*"))}
        if self.latest_field:
            window["api_latest"] = Window(Max(self.latest_field))
        rows = list(queryset.annotate(**window)[start : start + paginator.per_page])
        if rows:
            first = rows[0] if isinstance(rows[0], dict) else vars(rows[0])  # values() rows or objects
            paginator.count = first["api_total_count"]
            if self.latest_field:
                paginator.latest = first["api_latest"]
        elif number == 1:
            paginator.count = 0
        else:
            return paginator.page(number)
        paginator.validate_number(number)
        return Page(rows, number, paginator)

    # The links to the next and previous pages are on the site's own address, never the request's Host.

    def get_next_link(self):
        if not self.page.has_next():
            return None
        url = absolute_url(self.request.get_full_path())
        return replace_query_param(url, self.page_query_param, self.page.next_page_number())

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        url = absolute_url(self.request.get_full_path())
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last answers 404 naming `page`.",
                "schema": {"type": "integer", "minimum": 1},
                "example": 1,
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page: {DEFAULT_PAGE_SIZE} unless set; values above {MAX_PAGE_SIZE} are capped "
                    f"at {MAX_PAGE_SIZE}. Ignored by `format=csv`, which returns every matching row."
                ),
                "schema": {"type": "integer", "minimum": 1},
                "example": 100,
            },
        ]
