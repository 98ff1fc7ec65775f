"""Read-only endpoints for the journalism: published articles, people quoted, quotes."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from articles.filters import ArticleFilter, PersonFilter, QuoteFilter
from articles.models import Article, Person, Quote
from councils.models import Council

from ..base import ID_PATTERN, SLUG_PATTERN, PublicReadOnlyViewSet, api_cache_page
from ..serializers import articles as serializers


@api_cache_page("articles", "comments", "tracker")
@extend_schema_view(
    list=extend_schema(
        summary="Published articles",
        description="Published articles, newest first. Drafts and scheduled articles never appear.",
    ),
    retrieve=extend_schema(summary="One published article, by slug"),
)
class ArticleViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    last_modified_field = "updated_at"

    def get_queryset(self):
        return (
            Article.objects.published()
            .with_comment_counts()
            .prefetch_related(
                Prefetch("councils", queryset=Council.objects.order_by("short_name")), "partnerships", "corrections"
            )
            .order_by("-published_at", "-pk")
        )


@api_cache_page("articles")
@extend_schema_view(
    list=extend_schema(summary="People quoted"),
    retrieve=extend_schema(summary="One person, by slug"),
)
class PersonViewSet(PublicReadOnlyViewSet):
    queryset = Person.objects.select_related("council")
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


@api_cache_page("articles", "tracker")
@extend_schema_view(
    list=extend_schema(summary="Quotes", description="What people said, newest first, with the councils it concerns."),
    retrieve=extend_schema(summary="One quote"),
)
class QuoteViewSet(PublicReadOnlyViewSet):
    queryset = Quote.objects.public().prefetch_related("councils")
    serializer_class = serializers.QuoteSerializer
    filterset_class = QuoteFilter
    lookup_value_regex = ID_PATTERN
