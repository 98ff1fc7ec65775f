from django.apps import AppConfig
from django.db.models import Min
from django.utils import timezone

from councils import sources
from sendtracker import cache


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Every write to the journalism's tables changes "articles"; a scheduled article too, when it goes live.
        cache.watch_app(self, "articles")
        cache.expires_at(next_scheduled_publication, keys=("articles",))
        # A status change, figure or partnership citing an unpublished article shows no source until it is out.
        sources.hide_sources_at(unpublished_article_paths)


def unpublished_article_paths():
    from .models import Article

    return Article.objects.unpublished_paths()


def next_scheduled_publication():
    """An article scheduled for later appears on its own: the pages that list articles change then."""
    from .models import Article  # models cannot be imported while the app registry loads

    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now()).aggregate(
        next=Min("published_at")
    )["next"]
