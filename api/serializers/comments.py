"""What the API says about readers' comments: approved ones only, and never the writer's
email, IP hash or user agent."""

from rest_framework import serializers

from comments.models import Comment

from ..fields import APIIdentityField, APIRelatedField, PageURLField


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
