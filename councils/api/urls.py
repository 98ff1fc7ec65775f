"""API routes for the tracker's facts, included under /api/ by sendtracker/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("councils", views.CouncilViewSet, basename="council")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("status-changes", views.StatusChangeViewSet, basename="statuschange")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("key-figures", views.KeyFigureViewSet, basename="keyfigure")

urlpatterns = router.urls
