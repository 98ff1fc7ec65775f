"""Public pages for the journalism."""

from django.db.models import Prefetch, Value, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from councils.sources import public_sources
from sendtracker.cache import cache_page, depends_on
from sendtracker.paging import page_or_404

from .models import Article, Correction, Quote

ARTICLES_PER_PAGE = 20
QUOTES_PER_PAGE = 30


@cache_page("articles", "comments", params=("page",))  # comment counts
@require_safe
def article_list(request):
    # An aggregate drops Meta.ordering, so the order is spelled out.
    articles = Article.objects.published().with_comment_counts().order_by("-published_at", "-pk")
    page = page_or_404(articles, ARTICLES_PER_PAGE, request.GET.get("page"), what="the articles")
    return render(request, "articles/article_list.html", {"page": page, "articles": page.object_list})


# ?reply_to= opens the form as a reply to that comment; ?comments= is the page of comments and
# ?order=oldest their order (comments/context.py, read by the {% your_thoughts %} tag).
@cache_page("articles", params=("reply_to", "comments", "order"))
@require_safe
def article_detail(request, slug):
    """A published article; drafts and scheduled articles are 404 to the public.

    The template ends with the readers' comments: ``{% your_thoughts article %}`` (comments app).
    """
    article = get_object_or_404(
        Article.objects.published().prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("published_at")),
        ),
        slug=slug,
    )
    # The page shows the named councils' statuses, the partnerships' names and the approved
    # comments: it depends on those rows, whose versions must be read before the rows themselves
    # (a write committed in between would otherwise be stored under its new version). So the
    # named rows' ids come first, in one query, and the rows after them.
    named = (
        Article.councils.through.objects.filter(article=article)
        .annotate(kind=Value("council"))
        .values_list("kind", "council_id")
        .union(
            Article.partnerships.through.objects.filter(article=article)
            .annotate(kind=Value("partnership"))
            .values_list("kind", "partnership_id"),
            all=True,
        )
    )
    depends_on(request, f"comments:article:{article.pk}", *(f"{kind}:{pk}" for kind, pk in named))
    prefetch_related_objects([article], "councils", "partnerships")
    return render(request, "articles/article_detail.html", {"article": article})


@cache_page("articles", "tracker", params=("page",))
@require_safe
def quote_list(request):
    page = page_or_404(
        Quote.objects.public().prefetch_related("councils"), QUOTES_PER_PAGE, request.GET.get("page"), what="the quotes"
    )
    return render(request, "articles/quote_list.html", {"page": page, "quotes": public_sources(page.object_list)})
