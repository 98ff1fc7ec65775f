"""Public pages for the journalism."""

from django.shortcuts import get_object_or_404, render

from .comments import your_thoughts_context
from .models import Article, Quote


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, **your_thoughts_context(request, article)},
    )


def quote_list(request):
    quotes = Quote.objects.select_related("person").prefetch_related("councils")
    return render(request, "articles/quote_list.html", {"quotes": quotes})
