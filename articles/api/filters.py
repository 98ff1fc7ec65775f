"""FilterSets for the API's lists of journalism: articles, quotes, people and comments."""

import django_filters

from comments.models import Comment
from councils.api.filters import council_choice, search
from councils.models import Partnership

from ..models import Article, Person, Quote


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", help_text="Search the headline, standfirst and byline.")
    since = django_filters.DateFilter(
        field_name="published_at__date",
        lookup_expr="gte",
        help_text="Articles published on or after this date (YYYY-MM-DD, UK time).",
    )
    until = django_filters.DateFilter(
        field_name="published_at__date",
        lookup_expr="lte",
        help_text="Articles published on or before this date (YYYY-MM-DD, UK time).",
    )
    council = council_choice("councils", "Only articles about this council, by its slug.")
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        field_name="partnerships",
        help_text="Only articles about this partnership, by its slug.",
    )
    ordering = django_filters.OrderingFilter(
        fields=(("published_at", "published_at"), ("updated_at", "updated_at"), ("headline", "headline")),
        help_text="Sort by these fields; prefix `-` for descending. Newest first unless set.",
    )

    class Meta:
        model = Article
        fields = ["q", "since", "until", "council", "partnership"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["headline", "standfirst", "byline"], value)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", help_text="Search the name, role and organisation.")
    council = council_choice("council", "Only people who speak for this council, by its slug.")
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"),), help_text="Sort by name; `-name` for descending. By name unless set."
    )

    class Meta:
        model = Person
        fields = ["q", "council"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["name", "role", "organisation"], value)


class QuoteFilter(django_filters.FilterSet):
    council = council_choice("councils", "Only quotes about this council, by its slug.")
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), to_field_name="slug", help_text="Only this person's quotes, by their slug."
    )
    q = django_filters.CharFilter(
        method="filter_search", help_text="Search the quote, its context and the speaker's name."
    )
    since = django_filters.DateFilter(
        field_name="said_on", lookup_expr="gte", help_text="Quotes said on or after this date."
    )
    until = django_filters.DateFilter(
        field_name="said_on", lookup_expr="lte", help_text="Quotes said on or before this date."
    )
    ordering = django_filters.OrderingFilter(
        fields=(("said_on", "said_on"),), help_text="Sort by date; `said_on` for oldest first. Newest first unless set."
    )

    class Meta:
        model = Quote
        fields = ["council", "person", "q", "since", "until"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["text", "context", "person__name"], value)


class CommentFilter(django_filters.FilterSet):
    article = django_filters.ModelChoiceFilter(
        queryset=lambda request: Article.objects.published(),
        to_field_name="slug",
        help_text="Only comments under this published article, by its slug.",
    )
    since = django_filters.DateFilter(
        field_name="created_at__date", lookup_expr="gte", help_text="Comments written on or after this date (UK time)."
    )
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created_at"),),
        help_text="Sort by time; `-created_at` for newest first. Oldest first unless set.",
    )

    class Meta:
        model = Comment
        fields = ["article", "since"]
