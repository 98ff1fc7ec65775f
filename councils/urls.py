from django.urls import path

from . import views
from .feeds import CouncilStatusFeed, PartnershipFeed, StatusChangeFeed

app_name = "councils"

urlpatterns = [
    path("tracker/", views.tracker, name="tracker"),
    path("tracker.csv", views.tracker_csv, name="tracker-csv"),
    path("embed/tracker/", views.tracker_embed, name="tracker-embed"),
    path("councils/<slug:slug>/", views.council_detail, name="detail"),
    path("councils/<slug:slug>/feed/", CouncilStatusFeed(), name="feed"),
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("partnerships/<slug:slug>/feed/", PartnershipFeed(), name="partnership-feed"),
    path("programme/", views.programme, name="programme"),
    path("contracts/", views.contract_list, name="contracts"),
    path("changes/", views.change_list, name="changes"),
    path("changes/feed/", StatusChangeFeed(), name="changes-feed"),
    path("how-we-track-this/", views.how_we_track, name="how-we-track"),
]
