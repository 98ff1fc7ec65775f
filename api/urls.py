"""/api/: every endpoint, the OpenAPI schema and its docs page (URL names ``api:…``)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from .views import articles, comments, councils
from .views.root import APIRootView, DocsView, SchemaView, not_found

app_name = "api"

router = SimpleRouter()
# The tracker's facts.
router.register("councils", councils.CouncilViewSet, basename="council")
router.register("partnerships", councils.PartnershipViewSet, basename="partnership")
router.register("status-changes", councils.StatusChangeViewSet, basename="statuschange")
router.register("contracts", councils.ContractViewSet, basename="contract")
router.register("key-figures", councils.KeyFigureViewSet, basename="keyfigure")
# The journalism, and readers' approved comments.
router.register("articles", articles.ArticleViewSet, basename="article")
router.register("people", articles.PersonViewSet, basename="person")
router.register("quotes", articles.QuoteViewSet, basename="quote")
router.register("comments", comments.CommentViewSet, basename="comment")

urlpatterns = [
    path("", APIRootView.as_view(), name="root"),
    *router.urls,
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found, name="not-found"),
]
