from django.urls import path

from . import views
from .feeds import ArticleFeed

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", ArticleFeed(), name="feed"),
    path("quotes/", views.quote_list, name="quotes"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
