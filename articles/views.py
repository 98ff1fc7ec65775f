"""Public pages for the journalism."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from councils.sources import public_sources

from .models import Article, Correction, Quote

ARTICLES_PER_PAGE = 20


@require_safe
def article_list(request):
    # An aggregate drops Meta.ordering, so the order is spelled out.
    articles = Article.objects.published().with_comment_counts().order_by("-published_at", "-pk")
    paginator = Paginator(articles, ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "articles/article_list.html", {"page": page, "articles": page.object_list})


@require_safe
def article_detail(request, slug):
    """A published article; drafts and scheduled articles are 404 to the public.

    The template ends with the readers' comments: ``{% your_thoughts article %}`` (comments app).
    """
    article = get_object_or_404(
        Article.objects.published().prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("published_at")),
            "councils",
            "partnerships",
        ),
        slug=slug,
    )
    return render(request, "articles/article_detail.html", {"article": article})


@require_safe
def quote_list(request):
    quotes = public_sources(Quote.objects.public().prefetch_related("councils"))
    return render(request, "articles/quote_list.html", {"quotes": quotes})
