"""The API's own addresses: its index at /api/, the OpenAPI schema and its docs page,
and the JSON 404 for any other address under /api/."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sendtracker.site_url import absolute_url

from ..base import AnonymousThrottle, api_cache_page


@api_cache_page()
@extend_schema(exclude=True)
class APIRootView(APIView):
    """What the API offers, with links."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    throttle_classes = [AnonymousThrottle]

    endpoints = (
        ("councils", "api:council-list"),
        ("partnerships", "api:partnership-list"),
        ("status_changes", "api:statuschange-list"),
        ("contracts", "api:contract-list"),
        ("key_figures", "api:keyfigure-list"),
        ("people", "api:person-list"),
        ("quotes", "api:quote-list"),
        ("articles", "api:article-list"),
        ("comments", "api:comment-list"),
        ("schema", "api:schema"),
        ("docs", "api:docs"),
    )

    def get(self, request):
        response = Response({name: absolute_url(reverse(url_name)) for name, url_name in self.endpoints})
        response["Access-Control-Allow-Origin"] = "*"
        return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    response = JsonResponse({"detail": "Not found. The endpoints are listed at /api/."}, status=404)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@api_cache_page(params=("lang",))  # drf-spectacular's language choice
class SchemaView(SpectacularAPIView):
    authentication_classes = []


@api_cache_page(params=("script",))  # ?script is the page's start-up script, a separate file
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the site's own static files (drf-spectacular-sidecar), no inline script or style."""

    authentication_classes = []
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "SEND Tracker API"
