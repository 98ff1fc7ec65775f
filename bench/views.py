"""The benchmark's baseline view."""

from django.http import HttpResponse


def ping(request):
    """The cheapest response that still passes the whole middleware stack."""
    return HttpResponse("pong", content_type="text/plain")
