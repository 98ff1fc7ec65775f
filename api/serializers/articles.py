"""What the API says about the journalism: published articles, people quoted and their quotes.

A draft or scheduled article never reaches it, not even as a quote's headline."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, Correction, Person, Quote

from ..fields import APIIdentityField, PageURLField, PublicSourceMixin
from .councils import CouncilRefSerializer, PartnershipRefSerializer


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


class QuoteSerializer(PublicSourceMixin, serializers.ModelSerializer):
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
        # A draft or scheduled article is not public yet: not even its headline (``Quote.objects.public()``).
        article = getattr(quote, "public_article", None)
        return None if article is None else ArticleRefSerializer(article, context=self.context).data


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
