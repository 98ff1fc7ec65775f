"""The journalists' admin for the journalism: articles, corrections, people and quotes.

Journalists write and save drafts; only editors (articles.publish_article) publish,
schedule, or edit an article once it is published. Comment moderation is the
comments app's admin.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from sendtracker.admin_mixins import HTTPS_URLS, RankedSearchMixin, excerpt

from .forms import ArticleAdminForm
from .models import Article, Correction, Person, Quote

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ("published_at", "text")


@admin.register(Article)
class ArticleAdmin(RankedSearchMixin, admin.ModelAdmin):
    ranked_search_field = "headline"
    form = ArticleAdminForm
    list_display = ("headline", "status", "published_at", "byline", "comment_moderation", "updated_at", "preview_link")
    list_filter = ("status", "comment_moderation", "published_at", "councils__region")
    search_fields = ("headline", "standfirst", "byline", "slug")
    autocomplete_fields = ("councils", "partnerships")
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (CorrectionInline,)
    actions = ("publish_now", "unpublish")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body", "byline")}),
        (
            "Publishing",
            {
                "fields": ("status", "published_at"),
                "description": "Journalists save drafts; an editor publishes. Choosing Published with no "
                "“publish at” time publishes now; a future time schedules the article.",
            },
        ),
        ("Related", {"fields": ("councils", "partnerships")}),
        ("Your thoughts", {"fields": ("comment_moderation", "comments_close_at")}),
        ("Record", {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += ["status", "published_at"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is the article's address: once published it only changes by an editor's hand.
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        """A published article is live: only editors may change it. Journalists change drafts."""
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status == Article.Status.PUBLISHED:
            return can_publish(request.user)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and obj.status == Article.Status.PUBLISHED:
            return can_publish(request.user)
        return allowed

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not can_publish(request.user) or "_preview" in request.POST:
            obj.status = Article.Status.DRAFT
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return self._saved_then_preview(request, obj, form_said="Draft saved")
        self._say_publishing(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            return self._saved_then_preview(request, obj, form_said="Saved")
        self._say_publishing(request, obj)
        return super().response_change(request, obj)

    def _saved_then_preview(self, request, obj, form_said):
        self.message_user(request, f"{form_said}: “{obj}”. This is its preview.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_preview", args=[obj.pk]))

    def _say_publishing(self, request, obj):
        summary = ArticleAdminForm(instance=obj).publishing_summary()
        if summary:
            self.message_user(request, summary, messages.INFO)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # "Save and preview" stores a draft first, so it is offered on new articles and drafts, never on a live one.
        context["can_preview_draft"] = obj is None or obj.status == Article.Status.DRAFT
        return super().render_change_form(request, context, add, change, form_url, obj)

    def view_on_site(self, obj):
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">Preview</a>', reverse("admin:articles_article_preview", args=[obj.pk]))

    @admin.action(description="Publish the selected articles now", permissions=("publish",))
    def publish_now(self, request, queryset):
        now = timezone.now()
        drafts = list(queryset.filter(status=Article.Status.DRAFT))
        for article in drafts:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
            article.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, article, "Published")
        self.message_user(
            request, f"Published {len(drafts)} article{'s' if len(drafts) != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(description="Unpublish the selected articles (back to draft)", permissions=("publish",))
    def unpublish(self, request, queryset):
        published = list(queryset.filter(status=Article.Status.PUBLISHED))
        for article in published:
            article.status = Article.Status.DRAFT
            article.save(update_fields=["status", "updated_at"])
            self.log_change(request, article, "Unpublished")
        self.message_user(
            request, f"Unpublished {len(published)} article{'s' if len(published) != 1 else ''}.", messages.SUCCESS
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The public article template for any article, drafts included: staff only, never cached or indexed."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {"article": article, "preview": True}
        response = TemplateResponse(request, "admin/articles/article/preview.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("article", "published_at", "text_excerpt")
    list_filter = ("published_at",)
    list_select_related = ("article",)
    search_fields = ("text", "article__headline")
    autocomplete_fields = ("article",)

    @admin.display(description="Correction")
    def text_excerpt(self, obj):
        return excerpt(obj.text)


class QuoteInline(admin.StackedInline):
    formfield_overrides = HTTPS_URLS
    model = Quote
    extra = 0
    fields = ("text", "said_on", "context", "article", "source_url", "source_title", "no_source_reason", "councils")
    autocomplete_fields = ("article", "councils")


@admin.register(Person)
class PersonAdmin(RankedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "role", "organisation", "council")
    list_filter = ("organisation",)
    list_select_related = ("council",)
    search_fields = ("name", "role", "organisation", "council__short_name")
    autocomplete_fields = ("council",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (QuoteInline,)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("person", "text_excerpt", "said_on", "article")
    list_filter = ("said_on", "councils__region")
    list_select_related = ("person", "article")
    search_fields = ("text", "context", "person__name")
    autocomplete_fields = ("person", "article", "councils")

    @admin.display(description="Quote")
    def text_excerpt(self, obj):
        return excerpt(obj.text)
