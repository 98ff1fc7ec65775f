from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("follow/", views.follow, name="follow"),
    path("check-your-email/", views.check_email, name="check-email"),
    path("confirm/<str:signed>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
    path("manage/", views.manage_request, name="manage-request"),
    path("manage/<str:signed>/", views.manage, name="manage"),
]
