"""A request served by the production WSGI application leaves nothing for the garbage collector.

Django's request is tied in loops to its parts (the lazy user's closure, the message stores, the CSP
nonce), an API view to its DRF request and response, and a refused comment's exception to the
frames that held it. None of it was freed when the answer had gone: it waited for the collector,
and what was still running at a young collection aged into the oldest generation, whose full
collections walk the whole heap while every thread of the worker waits (up to 96 ms, several times
a minute per gunicorn worker under load). ``sendtracker.wsgi`` now lets go of each request
once its answer is sent (docs/performance.md, "Collector pauses").
"""

import gc
import io
import sys
import time
import urllib.parse

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench.scenarios import FormFinder
from comments.protection import form_token
from sendtracker.wsgi import application
from tests.support.comments import comment_data
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# What the loops held: the request (its session, user, messages), the answer, and the frames of a refusal.
HELD = {"WSGIRequest", "HttpResponse", "Response", "SessionStore", "FallbackStorage", "frame", "CommentRefused"}


def serve(path, method="GET", body=b"", **headers):
    """One request through the application as gunicorn makes it: the answer read, then closed."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "198.51.100.7",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        **headers,
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), response_headers

    response = application(environ, start_response)
    try:
        answer["body"] = b"".join(response)
    finally:
        response.close()
    return answer


def left_for_the_collector(request):
    """The names of the types the collector finds unreachable after ``request()``, with their counts."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        request()
        gc.collect()
        left = {}
        for thing in gc.garbage:
            name = type(thing).__name__
            left[name] = left.get(name, 0) + 1
        return left
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.fixture(autouse=True)
def empty_caches():
    for name in ("default", "limits"):
        caches[name].clear()
    yield
    for name in ("default", "limits"):
        caches[name].clear()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """A request's start and end close the database connection that the test's transaction holds;
    Django's test client disconnects the same receiver around each request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def article(settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 2
    return ArticleFactory()


def test_a_page_leaves_nothing(article):
    serve(article.get_absolute_url())  # set-up done once per process is not the request's
    assert left_for_the_collector(lambda: serve(article.get_absolute_url())) == {}


def test_an_api_list_leaves_no_request_or_response():
    """django-filter's FilterSet and its form are still loops of their own (about 120 objects a
    request, with the view and DRF request they name, emptied): the next step."""
    serve("/api/councils/")
    left = left_for_the_collector(lambda: serve("/api/councils/?scope=all&as_of=2023-06-01"))
    assert not HELD & set(left), HELD & set(left)


def test_a_refused_comment_leaves_nothing(article):
    page = serve(article.get_absolute_url())
    assert page["status"] == 200
    form = FormFinder()
    form.feed(page["body"].decode())
    csrf = form.forms[0]["fields"]["csrfmiddlewaretoken"][1]
    cookie = "; ".join(v.split(";", 1)[0] for k, v in page["headers"] if k == "Set-Cookie")

    def too_soon():
        # Sent at once: refused as too fast.
        data = comment_data(article, started=form_token(article, now=time.time()), csrfmiddlewaretoken=csrf)
        body = urllib.parse.urlencode(data).encode()
        answer = serve(
            f"{article.get_absolute_url()}comments/",
            "POST",
            body,
            CONTENT_TYPE="application/x-www-form-urlencoded",
            HTTP_COOKIE=cookie,
        )
        assert answer["status"] == 400, answer["body"][:300]

    too_soon()
    assert left_for_the_collector(too_soon) == {}
