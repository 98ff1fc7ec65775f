"""Small shared pieces of the admin."""

from django.db import models

# Sources are pasted from browsers; a bare "example.org/story" means https, as Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdminMixin:
    """Records nobody adds, edits or deletes here: staff with the view permission can read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
