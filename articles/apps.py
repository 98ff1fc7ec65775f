from django.apps import AppConfig

from councils import sources


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from sendtracker import content_version

        # Every write to the journalism's tables replaces the content version the page cache keys on.
        content_version.watch_app(self)
        content_version.expires_at(next_scheduled_publication)
        # A status change, figure or partnership citing an unpublished article shows no source until it is out.
        sources.hide_sources_at(unpublished_article_paths)


def unpublished_article_paths():
    from .models import Article

    return Article.objects.unpublished_paths()


def next_scheduled_publication():
    """An article scheduled for later appears on its own: the cached pages must change then."""
    from django.db.models import Min
    from django.utils import timezone

    from .models import Article

    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now()).aggregate(
        next=Min("published_at")
    )["next"]
