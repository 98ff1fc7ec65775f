from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("tracker/", views.tracker, name="tracker"),
    path("councils/<slug:slug>/", views.council_detail, name="detail"),
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("contracts/", views.contract_list, name="contracts"),
    path("changes/", views.change_list, name="changes"),
]
