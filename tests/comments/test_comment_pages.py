"""Comments in pages: 30 threads a page, newest first (or oldest), a count of all, "Show more comments",
permalinks that find a comment's page, and the page cache on every page of comments."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.context import THREADS_PER_PAGE
from comments.models import Comment
from comments.services import moderate_comments
from tests.support.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2024, 1, 1, 9, 0))


def make_threads(article, n, *, replies_every=0, status=Comment.Status.APPROVED):
    """``n`` top-level comments a minute apart (comment i is "Thread i"), and a reply to every
    ``replies_every``-th one, an hour after it; returned oldest first."""
    threads = Comment.objects.bulk_create(
        Comment(
            article=article,
            display_name=f"Reader {i}",
            email=f"reader{i}@example.org",
            body=f"Thread {i} says the pilot is slow.",
            status=status,
            created_at=START + datetime.timedelta(minutes=i),
        )
        for i in range(n)
    )
    if replies_every:
        Comment.objects.bulk_create(
            Comment(
                article=article,
                parent=thread,
                display_name=f"Replier {i}",
                email=f"replier{i}@example.org",
                body=f"Reply to thread {i}.",
                status=Comment.Status.APPROVED,
                created_at=thread.created_at + datetime.timedelta(hours=1),
            )
            for i, thread in enumerate(threads)
            if i % replies_every == 0
        )
    return threads


def thread_numbers(response):
    """The "Thread i" numbers shown, in page order."""
    return [int(n) for n in re.findall(r"Thread (\d+) says", response.content.decode())]


@pytest.fixture
def article():
    return ArticleFactory(headline="Councils weigh up the pilot")


def test_the_article_shows_30_newest_threads_a_count_of_all_and_a_link_to_more(client, article):
    make_threads(article, 10 * THREADS_PER_PAGE, replies_every=10)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert thread_numbers(response) == list(range(299, 269, -1))  # the 30 newest threads, newest first
    assert "(330 comments)" in html  # 300 threads and 30 replies, all counted
    assert html.count('class="yt-comment"') + html.count('class="yt-comment ') == 30 + 3  # 3 of them have a reply
    assert 'href="?comments=2#your-thoughts" rel="next">Show more comments' in html
    assert '<nav class="pagination" aria-label="Pages of comments">' in html
    assert '<li aria-current="page">Page 1 of 10</li>' in html

    second = client.get(article.get_absolute_url(), {"comments": 2})
    assert second.status_code == 200
    assert thread_numbers(second) == list(range(269, 239, -1))
    assert "Reply to thread 260." in second.content.decode()  # a thread's replies come with it
    assert 'href="?comments=1#your-thoughts" rel="prev"' in second.content.decode()

    last = client.get(article.get_absolute_url(), {"comments": 10})
    assert thread_numbers(last) == list(range(29, -1, -1))
    assert "Show more comments" not in last.content.decode()


def test_the_reader_can_read_the_oldest_first(client, article):
    make_threads(article, 2 * THREADS_PER_PAGE + 5)
    page = client.get(article.get_absolute_url())
    assert 'href="?order=oldest#your-thoughts">Show the oldest first' in page.content.decode()

    oldest = client.get(article.get_absolute_url(), {"order": "oldest"})
    assert thread_numbers(oldest) == list(range(30))
    assert 'href="?order=oldest&amp;comments=2#your-thoughts" rel="next">Show more comments' in oldest.content.decode()
    third = client.get(article.get_absolute_url(), {"order": "oldest", "comments": 3})
    assert thread_numbers(third) == list(range(60, 65))
    # An order no link offers is the default, not an error.
    assert thread_numbers(client.get(article.get_absolute_url(), {"order": "sideways"}))[0] == 64


@pytest.mark.parametrize("number", ["11", "0", "-1", "two", "9" * 40, "1.5"])
def test_a_page_of_comments_that_does_not_exist_is_a_clear_404(client, article, number):
    make_threads(article, 10 * THREADS_PER_PAGE)
    response = client.get(article.get_absolute_url(), {"comments": number})
    assert response.status_code == 404
    html = response.content.decode()
    assert "this article’s comments" in html
    if number == "11":
        assert "There is no page 11 of this article’s comments: it has 10 pages." in html


def test_an_article_without_comments_has_one_page_and_no_pager(client, article):
    response = client.get(article.get_absolute_url(), {"comments": "1"})
    assert response.status_code == 200
    assert "No comments yet." in response.content.decode()
    assert "Pages of comments" not in response.content.decode()
    assert client.get(article.get_absolute_url(), {"comments": "2"}).status_code == 404


def test_reply_links_and_the_reply_form_work_on_a_later_page(client, article):
    threads = make_threads(article, 2 * THREADS_PER_PAGE)
    old = threads[5]  # on page 2
    page = client.get(article.get_absolute_url(), {"comments": 2}).content.decode()
    assert f'href="?comments=2&amp;reply_to={old.pk}#comment-form">Reply' in page

    reply = client.get(article.get_absolute_url(), {"comments": 2, "reply_to": old.pk})
    html = reply.content.decode()
    assert reply.status_code == 200
    assert f'name="reply_to" value="{old.pk}"' in html
    assert "Reader 5" in re.sub(r"<[^>]+>", "", html.split('id="comment-form"')[1])  # the form says whom it answers
    # The links to other pages do not carry the reply along.
    assert 'href="?comments=1#your-thoughts" rel="prev"' in html


def test_a_permalink_to_an_old_comment_lands_on_the_page_that_holds_it(client, article):
    threads = make_threads(article, 10 * THREADS_PER_PAGE, replies_every=50)
    oldest = threads[0]
    reply = oldest.replies.get() if hasattr(oldest, "replies") else Comment.objects.get(parent=oldest)

    for comment in (oldest, reply):
        response = client.get(comment.get_absolute_url())
        assert comment.get_absolute_url() == f"/articles/comments/{comment.pk}/"
        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}?comments=10#comment-{comment.pk}"
        landing = client.get(response["Location"].split("#")[0])
        assert f'id="comment-{comment.pk}"' in landing.content.decode()

    newest = threads[-1]
    assert client.get(newest.get_absolute_url())["Location"] == f"{article.get_absolute_url()}#comment-{newest.pk}"


def test_a_permalink_to_a_comment_the_public_cannot_see_is_404(client, article):
    held = make_threads(article, 1, status=Comment.Status.PENDING)[0]
    draft = ArticleFactory(status="draft")
    on_draft = make_threads(draft, 1)[0]
    assert client.get(held.get_absolute_url()).status_code == 404
    assert client.get(on_draft.get_absolute_url()).status_code == 404
    assert client.get("/articles/comments/999999/").status_code == 404


def test_approving_a_comment_changes_every_cached_page_of_comments(client, article, django_assert_num_queries):
    make_threads(article, 3 * THREADS_PER_PAGE)
    url = article.get_absolute_url()
    before = {n: thread_numbers(client.get(url, {"comments": n})) for n in (1, 2, 3)}
    with django_assert_num_queries(0):  # each page is served from the page cache now
        for n in (1, 2, 3):
            assert thread_numbers(client.get(url, {"comments": n})) == before[n]

    held = make_threads(article, 1, status=Comment.Status.PENDING)[0]
    held.created_at = START + datetime.timedelta(days=1)
    held.body = "Thread 999 says the pilot is slow."
    held.save()
    moderate_comments(comments=Comment.objects.filter(pk=held.pk), status="approved", by=UserFactory())

    after = {n: thread_numbers(client.get(url, {"comments": n})) for n in (1, 2, 3)}
    assert after[1] == [999, *before[1][:-1]]
    assert after[2] == [before[1][-1], *before[2][:-1]]  # each page moved along by one thread
    assert after[3] == [before[2][-1], *before[3][:-1]]
    assert client.get(url, {"comments": 4}).status_code == 200  # the one thread pushed off the end


def test_the_page_cache_keys_on_the_comment_page_and_ignores_junk(client, article, django_assert_num_queries):
    make_threads(article, 2 * THREADS_PER_PAGE)
    url = article.get_absolute_url()
    first, second = client.get(url), client.get(url, {"comments": 2})
    assert thread_numbers(second) == list(range(29, -1, -1)) != thread_numbers(first)  # the page is in the key
    with django_assert_num_queries(0):
        junk = client.get(url, {"comments": 2, "utm_source": "share", "colour": "blue"})
    assert thread_numbers(junk) == thread_numbers(second)
    assert "colour" not in junk.content.decode() and "utm_source" not in junk.content.decode()


def _queries_for(client, article, **query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_article_page_makes_the_same_queries_at_5_and_500_threads(client):
    small, large = ArticleFactory(), ArticleFactory()
    make_threads(small, 5, replies_every=2)
    make_threads(large, 500, replies_every=2)
    at_small = _queries_for(client, small)  # each read a cache miss: a new page each time
    assert at_small <= 6
    assert _queries_for(client, large) == at_small
    assert _queries_for(client, large, comments=17) == at_small
    assert _queries_for(client, large, comments=9, order="oldest") == at_small


def test_the_thanks_page_links_to_the_published_comment_through_its_permalink(client, article):
    from comments.protection import thanks_token

    comment = make_threads(article, 1)[0]
    html = client.get(f"/articles/{article.slug}/comments/thanks/", {"r": thanks_token(comment)}).content.decode()
    assert f'href="/articles/comments/{comment.pk}/"' in html
