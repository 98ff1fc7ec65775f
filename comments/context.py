"""What the "Your thoughts" section shows: the threads of approved comments, and the form.

Read by the ``{% your_thoughts article %}`` tag at the foot of the article page and by
the form page a refused submission gets.
"""

from django.conf import settings

from .forms import CommentForm


def published_threads(article):
    """Approved top-level comments, each with its approved replies in ``approved_replies``: one query.

    A reply always belongs to its parent's article (the form only offers that article's
    comments), so one pass over the article's approved comments, oldest first, builds the
    threads. Replies whose parent is not shown (held, rejected, itself a reply) are not shown.
    """
    comments = list(article.comments.approved().order_by("created_at", "pk"))
    top_level = [comment for comment in comments if comment.parent_id is None]
    threads = {comment.pk: comment for comment in top_level}
    for comment in top_level:
        comment.approved_replies = []
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            comment.parent = threads[comment.parent_id]
            threads[comment.parent_id].approved_replies.append(comment)
    return top_level


def _reply_to(request, article, form, comments):
    """The comment being answered: named by ?reply_to= on the page, or by the form sent back."""
    wanted = request.GET.get("reply_to") if form is None else (form.data.get("reply_to") or None)
    if not wanted:
        return None
    reply_to = next((comment for comment in comments if str(comment.pk) == str(wanted)), None)
    if reply_to is None and str(wanted).isdigit():  # the error page does not list the comments
        reply_to = article.comments.approved().filter(pk=int(wanted), parent__isnull=True).first()
    return reply_to


def your_thoughts_context(request, article, form=None, comments=None):
    """Context for the "Your thoughts" section at the foot of an article."""
    comments = published_threads(article) if comments is None else comments
    reply_to = _reply_to(request, article, form, comments)
    closed = article.comments_closed_reason()
    if form is None and not closed:
        form = CommentForm.for_article(article, reply_to=reply_to, request=request)
    return {
        "article": article,
        "comments": comments,
        "comment_count": sum(1 + len(comment.approved_replies) for comment in comments),
        "comment_form": form,
        "comments_closed": closed,
        "reply_to": reply_to,
        "comment_max_length": settings.COMMENTS_MAX_LENGTH,
    }
