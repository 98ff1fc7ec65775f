"""Small pieces every app's admin shares (the tracker's facts, the journalism, the audit log)."""

from django.db import models
from django.utils.text import Truncator

# Sources are pasted from browsers; a bare "example.org/story" means https, as Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def excerpt(text, words=12):
    """The first words of a long text, for a list column."""
    return Truncator(text).words(words)


class ReadOnlyAdminMixin:
    """Records nobody adds, edits or deletes here: staff with the view permission can read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
