"""What the "Your thoughts" section shows: a page of threads of approved comments, and the form.

Read by the ``{% your_thoughts article %}`` tag at the foot of the article page and by
the form page a refused submission gets.

Comments come in pages of ``THREADS_PER_PAGE`` threads (a top-level comment with its
replies), newest thread first or, by the reader's choice (``?order=oldest``), oldest
first; ``?comments=N`` is page N. A popular article costs the same to render, and to
download on a phone, whatever its number of comments. ``Comment.get_absolute_url()``
(``/articles/comments/<id>/``) finds the page that holds a comment.
"""

from django.conf import settings
from django.db.models import Count, IntegerField, Q, Subquery, Value

from sendtracker.paging import check_page, page_number

from .forms import CommentForm
from .models import Comment

THREADS_PER_PAGE = 30
# The reader's choice of order: the value of ?order=, and (created, pk) descending or not.
ORDERS = {"newest": True, "oldest": False}
DEFAULT_ORDER = "newest"
# What a visible reply's parent must be, and what a thread is (Comment.objects.published() reads the same).
SHOWN = Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED, parent__parent__isnull=True)


def reading_order(raw):
    """The order ``?order=`` asks for; anything unknown is the default (the page's links never offer it)."""
    return raw if raw in ORDERS else DEFAULT_ORDER


def _thread_order(order):
    return ("-created_at", "-pk") if ORDERS[order] else ("created_at", "pk")


class CommentPage:
    """One page of an article's threads, with the counts that place it: what the template reads.

    ``threads``: top-level comments, each with ``approved_replies`` (oldest first);
    ``comment_count``: every comment the public can see under the article;
    ``thread_count``, ``number``, ``num_pages``, ``order``.
    """

    def __init__(self, threads, *, number, order, comment_count, thread_count):
        self.threads = threads
        self.number = number
        self.order = order
        self.comment_count = comment_count
        self.thread_count = thread_count
        self.num_pages = max(1, -(-thread_count // THREADS_PER_PAGE))

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def shown_from(self):
        return (self.number - 1) * THREADS_PER_PAGE + 1 if self.threads else 0

    @property
    def shown_to(self):
        return (self.number - 1) * THREADS_PER_PAGE + len(self.threads)


def comment_page(article, number=1, order=DEFAULT_ORDER):
    """Page ``number`` of ``article``'s threads in ``order``: one query, however many comments there are.

    The page's top-level comments are a sliced subquery; the query reads them and, in a
    ``UNION ALL``, their approved replies, the threads carrying the two totals as uncorrelated
    scalar subqueries. Only a page past the end (no rows) costs a second query, to say how many
    pages there are (``NoSuchPage``).
    """
    approved = Comment.objects.filter(article=article, status=Comment.Status.APPROVED)
    top_level = approved.filter(parent__isnull=True)
    offset = (number - 1) * THREADS_PER_PAGE
    page_ids = top_level.order_by(*_thread_order(order)).values("pk")[offset : offset + THREADS_PER_PAGE]
    shown_total = approved.filter(SHOWN).order_by().values("article").annotate(n=Count("pk")).values("n")[:1]
    thread_total = top_level.order_by().values("article").annotate(n=Count("pk")).values("n")[:1]
    # Two branches, each led by an index: the page's threads (comment_thread_idx), and their
    # replies (the parent index). Only the first carries the totals.
    threads = (
        approved.filter(pk__in=page_ids)
        .order_by()
        .annotate(shown_total=Subquery(shown_total), thread_total=Subquery(thread_total))
    )
    replies = (
        approved.filter(parent__in=page_ids)
        .order_by()
        .annotate(
            shown_total=Value(None, output_field=IntegerField()), thread_total=Value(None, output_field=IntegerField())
        )
    )
    rows = sorted(threads.union(replies, all=True), key=lambda comment: (comment.created_at, comment.pk))
    totals = next((row for row in rows if row.parent_id is None), None)
    if totals:
        comment_count, thread_count = totals.shown_total, totals.thread_total
    elif number > 1:
        thread_count = top_level.count()
        comment_count = None
    else:
        comment_count = thread_count = 0
    check_page(number, max(1, -(-thread_count // THREADS_PER_PAGE)), what="this article’s comments")
    threads = {comment.pk: comment for comment in rows if comment.parent_id is None}
    for comment in threads.values():
        comment.approved_replies = []
    for comment in rows:
        if comment.parent_id is not None and comment.parent_id in threads:
            comment.parent = threads[comment.parent_id]
            threads[comment.parent_id].approved_replies.append(comment)
    ordered = sorted(threads.values(), key=lambda c: (c.created_at, c.pk), reverse=ORDERS[order])
    return CommentPage(ordered, number=number, order=order, comment_count=comment_count, thread_count=thread_count)


def page_holding(comment, order=DEFAULT_ORDER):
    """The page number, in ``order``, of the thread holding ``comment`` (a shown comment): one query."""
    thread = comment.parent if comment.parent_id else comment
    newer = Q(created_at__gt=thread.created_at) | Q(created_at=thread.created_at, pk__gt=thread.pk)
    older = Q(created_at__lt=thread.created_at) | Q(created_at=thread.created_at, pk__lt=thread.pk)
    before = Comment.objects.filter(
        article_id=comment.article_id, status=Comment.Status.APPROVED, parent__isnull=True
    ).filter(newer if ORDERS[order] else older)
    return before.count() // THREADS_PER_PAGE + 1


def requested_page(request):
    """The page of comments and the order the reader's query asks for (``NoSuchPage`` for junk)."""
    return page_number(request.GET.get("comments"), what="this article’s comments"), reading_order(
        request.GET.get("order")
    )


def _reply_to(request, article, form, comments):
    """The comment being answered: named by ?reply_to= on the page, or by the form sent back."""
    wanted = request.GET.get("reply_to") if form is None else (form.data.get("reply_to") or None)
    if not wanted:
        return None
    reply_to = next((comment for comment in comments if str(comment.pk) == str(wanted)), None)
    if reply_to is None and str(wanted).isdigit():  # the error page does not list the comments
        reply_to = article.comments.approved().filter(pk=int(wanted), parent__isnull=True).first()
    return reply_to


def your_thoughts_context(request, article, form=None, page=None):
    """Context for the "Your thoughts" section at the foot of an article.

    ``page`` (a ``CommentPage``) defaults to the one the request's query asks for; the form
    page a refused comment gets passes an empty one.
    """
    if page is None:
        number, order = requested_page(request)
        page = comment_page(article, number, order)
    comments = page.threads
    reply_to = _reply_to(request, article, form, comments)
    closed = article.comments_closed_reason()
    if form is None and not closed:
        form = CommentForm.for_article(article, reply_to=reply_to, request=request)
    return {
        "article": article,
        "comments": comments,
        "comment_page": page,
        "comment_count": page.comment_count,
        "comment_form": form,
        "comments_closed": closed,
        "reply_to": reply_to,
        "comment_max_length": settings.COMMENTS_MAX_LENGTH,
    }


def no_comments():
    """An empty page, for the form page a refused comment gets (it does not list the comments)."""
    return CommentPage([], number=1, order=DEFAULT_ORDER, comment_count=0, thread_count=0)
