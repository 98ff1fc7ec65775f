"""The bench's scenarios: which request each sends and which statuses count as success.

Probed against the running server: a scenario the branch cannot serve (no API, no comment
form) is reported as not available, with the reason, instead of measured.
"""

import datetime
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from bench.server import PING_PATH

# Sent by the "uncached" scenarios; only bench/settings.py's page cache honours it (bench/middleware.py).
BYPASS = {"X-Bench-No-Page-Cache": "1"}
POST_OK = (200, 201, 302, 303)


class FormFinder(HTMLParser):
    """The first POST form with a CSRF token: its action and its fields."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": {}}
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.current["fields"].setdefault(attrs["name"], attrs.get("value") or "on")
            elif attrs.get("tabindex") == "-1":
                # A honeypot, out of the tab order: people leave it empty, so the bench does.
                self.current["fields"][attrs["name"]] = ("honeypot", "")
            elif kind not in ("submit", "button"):
                self.current["fields"][attrs["name"]] = (kind, attrs.get("value") or "")
        elif tag == "textarea" and attrs.get("name"):
            self.current["fields"][attrs["name"]] = ("textarea", "")
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and self.select and attrs.get("value"):
            self.current["fields"].setdefault(self.select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.current is not None:
            if "csrfmiddlewaretoken" in self.current["fields"]:
                self.forms.append(self.current)
            self.current = None


def comment_form(base_url, article_path):
    """The article page's comment form, filled in, with the CSRF cookie it needs; or None."""
    request = urllib.request.Request(base_url + article_path)
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    finder = FormFinder()
    finder.feed(html)
    if not finder.forms:
        return None
    form = finder.forms[0]
    data = {}
    for name, value in form["fields"].items():
        if isinstance(value, str):
            data[name] = value  # checkbox, radio or select choice
            continue
        kind, default = value
        if name == "started":
            data[name] = "{token}"  # a new single-use token in each request (FormTokens)
        elif name == "csrfmiddlewaretoken" or kind in ("hidden", "honeypot"):
            data[name] = default
        elif kind == "email":
            data[name] = "bench-{n}@example.org"
        elif kind == "textarea":
            data[name] = "A benchmark comment {n}: the assessment took eleven weeks, then the panel met."
        elif default:
            data[name] = default
        elif kind not in ("url",):
            data[name] = "Bench reader {n}" if "name" in name else "bench {n}"
    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
    action = urllib.parse.urljoin(article_path, form["action"] or article_path)
    return {"path": action, "body": urllib.parse.urlencode(data, safe="{}"), "cookie": cookie}


def comment_post(base_url, article_path):
    """The comment scenarios' request: the article's form filled in, a fresh form token in each; or None."""
    form = comment_form(base_url, article_path)
    if form is None:
        return None
    return {
        "method": "POST",
        "path": form["path"],
        "headers": {"Content-Type": "application/x-www-form-urlencoded", "Cookie": form["cookie"]},
        "body": form["body"],
        "tokens": FormTokens(article_path.rstrip("/").rsplit("/", 1)[-1]),
    }


def available(base_url, path, headers=None):
    """Whether a GET of ``path`` answers 200, and the response's headers."""
    request = urllib.request.Request(base_url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200, dict(response.headers)
    except urllib.error.HTTPError as error:
        return False, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormTokens:
    """Fresh single-use comment-form tokens, as the article page hands each reader one.

    A form's token names a nonce in the shared cache that sending it uses up
    (comments/protection.py), so a POST of the same form twice is a replay (400). The
    comment scenarios put ``{token}`` where the form's ``started`` value goes and take a new
    token for each request from here, made by the site's own ``form_token`` in this process,
    which runs with the server's secret key and Redis (bench/server.py ``prepare_data``).
    """

    def __init__(self, slug):
        self.slug = slug
        self.article = None

    def take(self, count):
        from comments.protection import form_token

        return [urllib.parse.quote(form_token(self.read_article()), safe="") for _ in range(count)]

    def read_article(self):
        """The article, read once: the background poster's thread would otherwise hold one of this
        process's pooled connections for good on each round, until the pool ran dry (PoolTimeout)."""
        if self.article is None:
            from django.db import connection

            from articles.models import Article

            self.article = Article.objects.get(slug=self.slug)
            if threading.current_thread() is not threading.main_thread():
                connection.close()  # back to the pool
        return self.article


def concrete(scenario, count):
    """The scenario as the load generators read it: ``count`` fresh form tokens in place of its token source."""
    tokens = scenario.get("tokens")
    plain = {key: value for key, value in scenario.items() if key != "tokens"}
    if tokens is not None:
        plain["tokens"] = tokens.take(count)
    return plain


def post_once(base_url, scenario, ip=None):
    """The status of one POST of the scenario (a redirect is not followed)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": scenario["headers"]["Cookie"]}
    if ip:
        headers["X-Forwarded-For"] = ip
    body = scenario["body"].replace("{n}", secrets.token_hex(4))
    if "{token}" in body:
        body = body.replace("{token}", scenario["tokens"].take(1)[0])
    body = body.encode()
    request = urllib.request.Request(base_url + scenario["path"], data=body, headers=headers, method="POST")
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def find(base_url, paths):
    """Each scenario by name: its request and the statuses that count as success, or why it is not available.

    ``paths`` names the data set's sample pages (bench/dataset.py: ``council``, ``article``).
    """
    found = {}
    found["baseline"] = {"path": PING_PATH}
    found["tracker uncached"] = {"path": "/tracker/", "headers": BYPASS}
    found["tracker cached"] = {"path": "/tracker/"}
    found["tracker 304"] = None  # below: its ETag is read after the comment probes, whose writes replace it
    found["council page"] = {"path": paths["council"]}
    # Issue 15: pages rendered afresh. Each request of the first names another valid date and sort
    # (sequence_path: none repeats in a run), so no cache can answer it and no bypass header is needed.
    forget_tracker_pages()
    found["tracker with distinct valid filters"] = {
        "path": DISTINCT_TRACKER_PATH,
        "sequence": tracker_filter_sequence(),
    }
    found["council page uncached"] = {"path": paths["council"], "headers": BYPASS}
    found["article, 200 comments"] = {"path": paths["article"]}
    # The issue-14 attacks and loads: none may take the tracker off the page cache.
    found["tracker, junk session cookie"] = {"path": "/tracker/", "headers": {"Cookie": "sessionid=junk{n}"}}
    found["tracker, tracking parameters"] = {"path": "/tracker/?utm_source=share{n}&fbclid={n}"}
    slug = paths["article"].rstrip("/").rsplit("/", 1)[-1]
    found["article, councils changing"] = {"path": paths["article"], "background": {"status": slug, "rate": 2}}
    api_ok, _ = available(base_url, "/api/councils/")
    # The API scenarios come from many readers (X-Forwarded-For varies, as for "comment POST valid"): from
    # one address, DRF's throttle re-read and re-wrote that address's whole 60-second history (thousands
    # of timestamps at these rates) on every request, a cost no real reader's requests carry.
    found["API councils uncached"] = (
        {"path": "/api/councils/", "headers": BYPASS, "vary_ip": True}
        if api_ok
        else "/api/councils/ not available on this branch"
    )
    # Issue 15: a valid date and sort the page cache has not seen: the tracker's sequence (every day from
    # 2019 to today × every sort), so no request repeats in a run. ``scope=all``: every council, rebuilt as
    # of that day (the data set's history starts in autumn 2026, so the pilot alone would be empty on most
    # days). A random day in each request (``{date}``) repeated more and more as a run went on: in five
    # rounds, most of the later requests were answered by the page cache.
    found["API councils, distinct as_of"] = (
        {"path": DISTINCT_API_PATH, "sequence": tracker_filter_sequence(), "vary_ip": True}
        if api_ok
        else "/api/councils/ not available on this branch"
    )
    post = comment_post(base_url, paths["article"])
    if post is None:
        reason = "no comment form on the article page on this branch"
        found["comment POST valid"] = found["comment POST rate-limited"] = reason
        found["tracker, 5 comments/s posted"] = reason
        return with_tracker_etag(base_url, found)
    # A valid comment: each request from a different reader address (X-Forwarded-For), so no limit applies.
    status = post_once(base_url, post, ip="10.9.9.9")
    if status in POST_OK:
        found["comment POST valid"] = {**post, "vary_ip": True, "ok": POST_OK}
        found["tracker, 5 comments/s posted"] = {"path": "/tracker/", "background": {"comments": post, "rate": 5}}
    else:
        found["comment POST valid"] = found["tracker, 5 comments/s posted"] = f"a valid comment POST answered {status}"
    # Rate-limited: one address posts until refused, then keeps posting (and is put over the limit again
    # before each round: the limit counts 10 minutes, and a full run reaches this scenario later than that).
    rate_limited = {**post, "ok": (429,), "over_limit": True}
    status = put_over_limit(base_url, rate_limited)
    found["comment POST rate-limited"] = (
        rate_limited if status == 429 else f"no 429 after 100 POSTs from one address (last answered {status})"
    )
    return with_tracker_etag(base_url, found)


def put_over_limit(base_url, scenario, tries=100):
    """POST the scenario from its one address until it is refused for the rate (429): the last status.

    The per-address limit (5 comments in 10 minutes) forgets a window once it has passed, so a
    "rate-limited" round that began more than 10 minutes after the address was last put over the
    limit would have its first requests accepted: comments posted, and counted as errors.
    """
    status = None
    for _ in range(tries):
        status = post_once(base_url, scenario)
        if status == 429:
            break
    return status


def forget_tracker_pages():
    """Replace the ``tracker`` key, as an edit would: tracker pages an earlier run stored at this release (the
    same dates and sorts) are not served to "tracker with distinct valid filters"."""
    from sendtracker import cache  # Django is set up by then (bench/server.py's prepare_data)

    cache.changed({"tracker"})


def with_tracker_etag(base_url, found):
    """The conditional GET sends the tracker's current ETag (read after any probe that wrote)."""
    ok, headers = available(base_url, "/tracker/")
    etag = headers.get("ETag")
    found["tracker 304"] = (
        {"path": "/tracker/", "headers": {"If-None-Match": etag}, "ok": (304,)} if etag else "no ETag on /tracker/"
    )
    return found


# The tracker's sort orders (councils.filters.CouncilFilter's ordering), each ascending and descending.
TRACKER_ORDERINGS = tuple(
    f"{sign}{key}" for key in ("name", "region", "status", "updated", "ofsted", "population") for sign in ("", "-")
)
# The first date ``as_of`` takes (councils.filters.HISTORY_STARTS; not imported: Django is not set up here).
HISTORY_STARTS = datetime.date(2019, 1, 1)
# "tracker with distinct valid filters": every request another valid date and sort, all 153 councils listed.
DISTINCT_TRACKER_PATH = "/tracker/?scope=all&as_of={seq0}&ordering={seq1}"
# "API councils, distinct as_of": the same dates and sorts through the API.
DISTINCT_API_PATH = "/api/councils/?scope=all&as_of={seq0}&ordering={seq1}"


def tracker_filter_sequence(today=None):
    """The values of ``{seq0}`` (every date ``as_of`` takes) and ``{seq1}`` (every sort order)."""
    today = today or datetime.date.today()
    days = (today - HISTORY_STARTS).days
    dates = [(HISTORY_STARTS + datetime.timedelta(days=day)).isoformat() for day in range(days + 1)]
    return [dates, list(TRACKER_ORDERINGS)]


def sequence_path(path, sequence, index):
    """``path`` with ``{seq0}``, ``{seq1}``… filled in for request number ``index``: no two of the first
    ``len(seq0) × len(seq1) × …`` requests are the same."""
    for position, values in enumerate(sequence):
        path = path.replace(f"{{seq{position}}}", values[index % len(values)])
        index //= len(values)
    return path


def distinct_tracker_paths(count, start=0):
    """``count`` tracker URLs with distinct valid filters, as the scenario sends them."""
    sequence = tracker_filter_sequence()
    return [sequence_path(DISTINCT_TRACKER_PATH, sequence, start + n) for n in range(count)]
