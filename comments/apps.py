from django.apps import AppConfig

from sendtracker import cache
from sendtracker.cache import copies

from . import protection


def _comment_keys(comment, adding):
    """A comment sent and held for moderation changes nothing public; any other write does."""
    if adding and comment.status != "approved":
        return ()
    return ("comments", f"comments:article:{comment.article_id}")


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "Readers' comments"

    def ready(self):
        # Approved comments appear on their article's page, in the article list's counts and the
        # comments API. Reports and the word lists never appear.
        cache.watch_app(
            self,
            "comments",
            rows={"Comment": (_comment_keys, ("comments:article:*",))},
            exclude=("CommentReport", "ModerationWord"),
        )
        cache.register_fresh_value("comment_form_started", protection.fresh_form_token)
        # A refused comment's claim reads, in the limits' own Redis, whether the articles changed.
        copies.keep(protection.ARTICLES_KEY)
