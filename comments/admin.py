"""The moderators' side of "Your thoughts": the queue, reports and the word lists.

Moderators and editors hold the comment permissions (sendtracker/roles.py);
journalists do not, so they see none of this. Until comments became their own app
these pages lived under <admin>/articles/; ``moved_admin_urlpatterns`` sends
bookmarks of those addresses here.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.text import Truncator

from . import services
from .forms import ModerationReasonForm
from .models import Comment, CommentReport, ModerationWord
from .rendering import comment_text


class ReportedFilter(admin.SimpleListFilter):
    title = "reported by readers"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return (("yes", "Reported"), ("no", "Not reported"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


class QueueStatusFilter(admin.SimpleListFilter):
    """The queue's status filter: it opens on Pending, and "All" is a choice of its own."""

    title = "status"
    parameter_name = "status__exact"  # the address the admin index's "waiting for moderation" link uses
    ALL = "all"

    def lookups(self, request, model_admin):
        return (*Comment.Status.choices, (self.ALL, "All"))

    def queryset(self, request, queryset):
        if self.value() in (None, self.ALL):
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    fields = ("created_at", "reason", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "reader's report"

    def has_add_permission(self, request, obj=None):
        return False


MODERATION_ACTIONS = {
    "approve_comments": (Comment.Status.APPROVED, "approved", "Approve"),
    "reject_comments": (Comment.Status.REJECTED, "rejected", "Reject"),
    "mark_as_spam": (Comment.Status.SPAM, "marked as spam", "Mark as spam"),
}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Few columns, so the comment's full text has the room to be read at 1024 px and wider.
    list_display = ("full_text", "article_and_reason", "status", "reports", "created_at")
    list_filter = (QueueStatusFilter, ReportedFilter, ("article", admin.RelatedOnlyFieldListFilter), "reader_role")
    list_select_related = ("article", "parent", "moderated_by")
    search_fields = ("display_name", "body", "email")
    inlines = (CommentReportInline,)
    actions = ("approve_comments", "reject_comments", "mark_as_spam", "erase_reader_data")
    fieldsets = (
        (None, {"fields": ("article_link", "in_reply_to", "display_name", "reader_role", "rendered_body")}),
        ("Moderation", {"fields": ("status", "moderation_reason", "held_reason", "moderated_by", "moderated_at")}),
        ("Private: never shown publicly", {"fields": ("email", "created_at", "author", "user_agent")}),
    )
    readonly_fields = (
        "article_link",
        "in_reply_to",
        "display_name",
        "reader_role",
        "rendered_body",
        "held_reason",
        "moderated_by",
        "moderated_at",
        "email",
        "created_at",
        "author",
        "user_agent",
    )

    def get_queryset(self, request):
        # ModelAdmin.get_queryset orders before we could annotate, so build it here.
        queryset = self.model._default_manager.get_queryset().annotate(
            report_count=Count("reports", distinct=True),
            queue_order=Case(
                When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # The queue: pending first, then oldest first, so nobody waits longest.
        return ("queue_order", "created_at", "pk")

    class Media:
        css = {"all": ("css/admin-moderation.css",)}

    def changelist_view(self, request, extra_context=None):
        # The queue opens on what is waiting: Pending, oldest first. "All" is one click away.
        if request.method == "GET" and not request.GET and self.has_view_or_change_permission(request):
            return HttpResponseRedirect(f"{request.path}?{QueueStatusFilter.parameter_name}={Comment.Status.PENDING}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="comment")
    def full_text(self, comment):
        reply = ""
        if comment.parent_id:
            reply = format_html(
                '<p class="comment-queue__reply">In reply to {}: “{}”</p>',
                comment.parent.display_name,
                Truncator(comment.parent.body).chars(80),
            )
        return format_html(
            '<div class="comment-queue__text">{}<p class="comment-queue__by">— {}</p>{}</div>',
            comment_text(comment.body),
            comment.display_name,
            reply,
        )

    @admin.display(description="article and why it was held", ordering="article__headline")
    def article_and_reason(self, comment):
        held = comment.held_reason or ("—" if comment.status != Comment.Status.PENDING else "Pre-moderated article")
        return format_html('{}<br><span class="comment-queue__held">Held: {}</span>', self.article_link(comment), held)

    def has_add_permission(self, request):
        # Staff reply from the article page, where the reply is shown badged.
        return False

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(90)

    @admin.display(description="article", ordering="article__headline")
    def article_link(self, comment):
        # An approved comment's permalink finds its page of comments; a held one is on no page.
        shown = comment.status == Comment.Status.APPROVED
        link = comment.get_absolute_url() if shown else comment.article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', link, Truncator(comment.article.headline).chars(40))

    @admin.display(description="in reply to")
    def in_reply_to(self, comment):
        if comment.parent is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html(
            '<a href="{}">{}</a>: “{}”', url, comment.parent.display_name, Truncator(comment.parent.body).chars(60)
        )

    @admin.display(description="reports", ordering="report_count")
    def reports(self, comment):
        return comment.report_count

    @admin.display(description="comment")
    def rendered_body(self, comment):
        return comment_text(comment.body)

    def save_model(self, request, obj, form, change):
        # A status change made on the form goes through the same door as the bulk actions.
        if change and "status" in form.changed_data and obj.status != Comment.Status.PENDING:
            services.moderate_comments(
                comments=Comment.objects.filter(pk=obj.pk),
                status=obj.status,
                by=request.user,
                reason=obj.moderation_reason,
            )
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    def _confirm(self, request, queryset, *, action, title, intro, button, form=None):
        return TemplateResponse(
            request,
            "admin/comments/comment/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "intro": intro,
                "button": button,
                "queryset": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
                "media": self.media,
            },
        )

    def _moderate(self, request, queryset, action):
        status, done, verb = MODERATION_ACTIONS[action]
        form = ModerationReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            count = services.moderate_comments(
                comments=queryset, status=status, by=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(request, f"{count} comment{'s' if count != 1 else ''} {done}.", messages.SUCCESS)
            return None
        count = queryset.count()
        return self._confirm(
            request,
            queryset,
            action=action,
            title=f"{verb}: {count} comment{'s' if count != 1 else ''}",
            intro=f"These comments will be {done}. Your name and the time are recorded with the decision.",
            button=f"{verb} {count} comment{'s' if count != 1 else ''}",
            form=form,
        )

    @admin.action(description="Approve selected comments (publish)", permissions=("change",))
    def approve_comments(self, request, queryset):
        return self._moderate(request, queryset, "approve_comments")

    @admin.action(description="Reject selected comments", permissions=("change",))
    def reject_comments(self, request, queryset):
        return self._moderate(request, queryset, "reject_comments")

    @admin.action(description="Mark selected comments as spam", permissions=("change",))
    def mark_as_spam(self, request, queryset):
        return self._moderate(request, queryset, "mark_as_spam")

    @admin.action(description="Erase the readers' data (right to erasure): all their comments", permissions=("change",))
    def erase_reader_data(self, request, queryset):
        if "confirm" in request.POST:
            count = services.erase_reader(comments=queryset, by=request.user)
            self.message_user(
                request,
                f"Erased {count} comment{'s' if count != 1 else ''}: names, emails, IP hashes and text removed.",
                messages.SUCCESS,
            )
            return None
        return self._confirm(
            request,
            queryset,
            action="erase_reader_data",
            title="Erase readers' data",
            intro=(
                "Every comment by the readers who wrote the selected comments (matched by email address) will be "
                "emptied: name, email, IP hash, user agent and text are removed and the comments taken down. "
                "This cannot be undone."
            ),
            button="Erase their data",
        )


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ("comment", "reason", "detail", "created_at")
    list_filter = ("reason",)
    list_select_related = ("comment__article",)
    fields = ("comment", "reason", "detail", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ("word", "action")
    list_filter = ("action",)
    search_fields = ("word",)


# Bookmarks from before comments were their own app: <admin>/articles/comment/… and the
# reports' and word lists' pages, to the same page under <admin>/comments/ (query kept).


def moved_admin_page(request, model, rest=None):
    new = escape_uri_path(f"{reverse('admin:index')}comments/{model}{rest or '/'}")
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponsePermanentRedirect(f"{new}?{query}" if query else new)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308  # a form posted to the old address is posted again, not dropped
    return response


moved_admin_urlpatterns = [
    re_path(r"^articles/(?P<model>comment|commentreport|moderationword)(?P<rest>/.*)?$", moved_admin_page),
]
