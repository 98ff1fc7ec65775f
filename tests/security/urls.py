"""A test URLconf: the real site plus stand-ins for response types other helpers are still building.

The headers come from middleware, so they do not depend on which view made the
response; these stand-ins prove that for CSV, Atom, an embed page and a 500.
"""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import path

from sendtracker.urls import urlpatterns as site_urlpatterns


class StandInFeed(Feed):
    title = "Status changes"
    link = "/changes/"
    description = "Stand-in feed"

    def items(self):
        return []


def stand_in_csv(request):
    return HttpResponse("council,status\r\nHerefordshire,declined\r\n", content_type="text/csv")


def stand_in_embed(request):
    return HttpResponse("<!doctype html><title>Embed</title><table></table>")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test/tracker.csv", stand_in_csv),
    path("test/feed/", StandInFeed()),
    path("embed/tracker/", stand_in_embed),
    path("test/broken/", broken),
    *site_urlpatterns,
]
