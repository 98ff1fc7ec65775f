"""Top-level URLs: the public pages of DESIGN §5, the API and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from councils import views as council_views
from sendtracker.views import bench_ping

admin.site.site_header = "SEND Tracker newsroom"
admin.site.site_title = "SEND Tracker admin"
admin.site.index_title = "Tracker facts, journalism and readers' comments"

urlpatterns = [
    path("", council_views.home, name="home"),
    path("", include("councils.urls")),
    path("articles/", include("articles.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# `make bench` only (DJANGO_BENCH=1): the baseline endpoint (perf, issue 6).
if settings.BENCH_MODE:
    urlpatterns.append(path("bench/ping", bench_ping, name="bench-ping"))
