"""Top-level URLs: the public pages of DESIGN §5, the API and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from councils import views as council_views
from sendtracker import views as ops_views

admin.site.site_header = "SEND Tracker newsroom"
admin.site.site_title = "SEND Tracker admin"
admin.site.index_title = "Tracker facts, journalism and readers' comments"

urlpatterns = [
    path("", council_views.home, name="home"),
    path("", include("councils.urls")),
    path("articles/", include("articles.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
]
