"""The site plus drf-spectacular's Swagger UI as the API docs are served (split view: no inline script)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sendtracker.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="test-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="test-schema"), name="test-docs"),
    *site_urlpatterns,
]
