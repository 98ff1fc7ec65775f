from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "councils"

    def ready(self):
        from sendtracker import content_version

        # Every write to the tracker's tables replaces the content version the page cache keys on.
        content_version.watch_app(self)
