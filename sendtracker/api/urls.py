"""/api/: the endpoints of both apps, the OpenAPI schema and its docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from articles.api.urls import urlpatterns as article_urls
from councils.api.urls import urlpatterns as council_urls

from .views import APIRootView, not_found

app_name = "api"


class SchemaView(SpectacularAPIView):
    authentication_classes = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the site's own static files (drf-spectacular-sidecar), no inline script or style."""

    authentication_classes = []
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "SEND Tracker API"


urlpatterns = [
    path("", APIRootView.as_view(), name="root"),
    *council_urls,
    *article_urls,
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found, name="not-found"),
]
