"""A test URLconf: the real site plus one route that raises, to produce a real 500 through the real handlers."""

from django.urls import path

from sendtracker.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test/broken/", broken),
    *site_urlpatterns,
]
