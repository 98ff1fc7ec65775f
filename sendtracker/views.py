"""Project-level views."""

from django.http import HttpResponse


def bench_ping(request):
    """`make bench`'s baseline: the cheapest response that still passes the whole middleware stack."""
    return HttpResponse("pong", content_type="text/plain")
