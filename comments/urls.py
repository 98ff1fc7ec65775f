"""The readers' addresses under /articles/: sending a comment, a comment's permalink, reporting one."""

from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<slug:slug>/comments/", views.submit, name="submit"),
    path("<slug:slug>/comments/thanks/", views.thanks, name="thanks"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/report/thanks/", views.report_thanks, name="report_thanks"),
]
