"""API routes for the journalism, included under /api/ by sendtracker/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("people", views.PersonViewSet, basename="person")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("comments", views.CommentViewSet, basename="comment")

urlpatterns = router.urls
