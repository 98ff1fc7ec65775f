"""What the API says about the journalism. Only published articles and approved comments
reach it, and a comment never carries its writer's email, IP hash or user agent."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comments.models import Comment
from councils.api.serializers import CouncilRefSerializer, PartnershipRefSerializer
from sendtracker.api.fields import APIIdentityField, APIRelatedField, PageURLField

from ..models import Article, Correction, Person, Quote


class PersonRefSerializer(serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:person-detail", lookup_field="slug", help_text="This person in the API.")
    page_url = PageURLField()

    class Meta:
        model = Person
        fields = ["slug", "name", "role", "organisation", "url", "page_url"]


class PersonSerializer(PersonRefSerializer):
    council = CouncilRefSerializer(
        read_only=True, allow_null=True, help_text="The council the person speaks for, if any."
    )

    class Meta(PersonRefSerializer.Meta):
        fields = [*PersonRefSerializer.Meta.fields, "council"]


class ArticleRefSerializer(serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:article-detail", lookup_field="slug", help_text="This article in the API.")
    page_url = PageURLField()

    class Meta:
        model = Article
        fields = ["slug", "headline", "url", "page_url"]


class QuoteSerializer(serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:quote-detail", help_text="This quote in the API.")
    page_url = PageURLField()
    person = PersonRefSerializer(read_only=True)
    article = serializers.SerializerMethodField(help_text="The published article that reported the quote, if any.")
    councils = CouncilRefSerializer(many=True, read_only=True, help_text="Councils the quote concerns.")

    class Meta:
        model = Quote
        fields = ["id", "url", "page_url", "text", "said_on", "context", "person", "article", "source_url", "councils"]

    @extend_schema_field(ArticleRefSerializer(allow_null=True))
    def get_article(self, quote):
        # A draft or scheduled article is not public yet: not even its headline.
        if quote.article is None or not quote.article.is_published:
            return None
        return ArticleRefSerializer(quote.article, context=self.context).data


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["published_at", "text"]


class ArticleSerializer(ArticleRefSerializer):
    councils = CouncilRefSerializer(many=True, read_only=True, help_text="Councils the article concerns.")
    partnerships = PartnershipRefSerializer(many=True, read_only=True, help_text="Partnerships the article concerns.")
    corrections = CorrectionSerializer(many=True, read_only=True, help_text="Dated corrections shown on the article.")
    comments_open = serializers.SerializerMethodField(help_text="Whether readers can still add their thoughts.")
    comment_count = serializers.IntegerField(read_only=True, help_text="Approved comments under “Your thoughts”.")
    body = serializers.CharField(
        read_only=True, help_text="The article's text as sanitised HTML (paragraphs, subheadings, links, block quotes)."
    )

    class Meta(ArticleRefSerializer.Meta):
        fields = [
            *ArticleRefSerializer.Meta.fields,
            "standfirst",
            "byline",
            "published_at",
            "updated_at",
            "body",
            "councils",
            "partnerships",
            "corrections",
            "comments_open",
            "comment_count",
        ]

    def get_comments_open(self, article) -> bool:
        return article.comments_open


class CommentSerializer(serializers.ModelSerializer):
    """An approved comment. Deliberately an allow-list: email, IP hash and user agent never appear."""

    url = APIIdentityField(view_name="api:comment-detail", help_text="This comment in the API.")
    page_url = PageURLField(help_text="The comment under its article (absolute URL).")
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The article's slug.")
    article_url = APIRelatedField(
        source="article",
        view_name="api:article-detail",
        lookup_field="slug",
        read_only=True,
        help_text="The article in the API.",
    )
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The comment this replies to, if it is a reply."
    )
    reader_role_label = serializers.CharField(source="get_reader_role_display", read_only=True)
    is_staff_reply = serializers.BooleanField(read_only=True, help_text="Written by the newsroom.")

    class Meta:
        model = Comment
        fields = [
            "id",
            "url",
            "page_url",
            "article",
            "article_url",
            "parent",
            "display_name",
            "reader_role",
            "reader_role_label",
            "body",
            "created_at",
            "is_staff_reply",
        ]
