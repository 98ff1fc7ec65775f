"""Small shared pieces of the admin."""

from django.db import models

# Sources are pasted from browsers; a bare "example.org/story" means https, as Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
