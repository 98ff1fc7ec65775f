"""Admin for the journalism. (Placeholder registration.)"""

from django.contrib import admin

from .models import Article, Comment, CommentReport, Correction, ModerationWord, Person, Quote

for model in (Article, Comment, CommentReport, Correction, ModerationWord, Person, Quote):
    admin.site.register(model)

from . import admin_comments  # noqa: E402, F401  (comment moderation, owned by "Your thoughts")
