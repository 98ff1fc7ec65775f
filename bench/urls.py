"""The site's URLs plus the benchmark's baseline, /bench/ping (bench/settings.py only)."""

from django.urls import path

from sendtracker.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [*site_urlpatterns, path("bench/ping", views.ping, name="bench-ping")]
