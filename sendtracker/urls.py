"""Top-level URLs: the public pages of DESIGN §5, the API and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from councils import views as council_views

admin.site.site_header = "SEND Tracker newsroom"
admin.site.site_title = "SEND Tracker admin"
admin.site.index_title = "Tracker facts, journalism and readers' comments"

urlpatterns = [
    path("", council_views.home, name="home"),
    path("", include("councils.urls")),
    path("articles/", include("articles.urls")),
    path("api/", include("sendtracker.api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
