from django.urls import path

from . import views, views_comments
from .feeds import ArticleFeed

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", ArticleFeed(), name="feed"),
    path("quotes/", views.quote_list, name="quotes"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    # "Your thoughts": readers' comments and reports.
    path("<slug:slug>/comments/", views_comments.comment_submit, name="comment_submit"),
    path("<slug:slug>/comments/thanks/", views_comments.comment_thanks, name="comment_thanks"),
    path("comments/<int:pk>/report/", views_comments.comment_report, name="comment_report"),
    path("comments/<int:pk>/report/thanks/", views_comments.comment_report_thanks, name="comment_report_thanks"),
]
