"""Read-only endpoint for readers' approved comments under published articles.

Its FilterSet lives here: no page filters comments, so it is the API's own.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view

from articles.models import Article
from comments.models import Comment

from ..base import ID_PATTERN, PublicReadOnlyViewSet, api_cache_page
from ..serializers.comments import CommentSerializer


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


@api_cache_page("comments", "articles")
@extend_schema_view(
    list=extend_schema(
        summary="Approved comments (“Your thoughts”)",
        description=(
            "Readers' approved comments under published articles, oldest first. Filter by `article`. "
            "Readers' emails, IP hashes and browsers are never part of the API."
        ),
    ),
    retrieve=extend_schema(summary="One approved comment"),
)
class CommentViewSet(PublicReadOnlyViewSet):
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return Comment.objects.published().select_related("article").order_by("created_at", "pk")
