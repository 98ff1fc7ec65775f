from django.apps import AppConfig

from sendtracker import content_version


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "Readers' comments"

    def ready(self):
        # Approved comments appear on the article page: every write to the comments replaces
        # the content version the page cache keys on. Reports and the word lists never appear.
        content_version.watch_app(self, exclude=("CommentReport", "ModerationWord"))
