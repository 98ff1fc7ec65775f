"""Small pieces every app's admin shares (the tracker's facts, the journalism, the audit log)."""

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.text import Truncator

# Sources are pasted from browsers; a bare "example.org/story" means https, as Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def excerpt(text, words=12):
    """The first words of a long text, for a list column."""
    return Truncator(text).words(words)


class ReadOnlyAdminMixin:
    """Records nobody adds, edits or deletes here: staff with the view permission can read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RankedSearchMixin:
    """Exact matches first, then names starting with the term, then the rest: "York" finds York before North Yorkshire.

    Autocompletes keep this order; a changelist still sorts by its columns.
    """

    ranked_search_field = "name"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            field = self.ranked_search_field
            rank = Case(
                When(**{f"{field}__iexact": term}, then=Value(0)),
                When(**{f"{field}__istartswith": term}, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
            queryset = queryset.annotate(search_rank=rank).order_by("search_rank", field, "pk")
        return queryset, may_have_duplicates


class SingleChoicePreselectMixin:
    """A select with only one possible answer (e.g. the one programme) starts on it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and field.initial is None and db_field.name not in self.get_autocomplete_fields(request):
            choices = list(field.queryset.values_list("pk", flat=True)[:2])
            if len(choices) == 1:
                field.initial = choices[0]
        return field
