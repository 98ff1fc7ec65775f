from django.apps import AppConfig


class SendTrackerConfig(AppConfig):
    """The project package as an app: the audit log's admin, the error pages' signal hook."""

    name = "sendtracker"
    verbose_name = "SEND Tracker"

    def ready(self):
        from django.core.signals import got_request_exception

        from .audit import register_audited_models
        from .middleware import note_database_unavailable

        register_audited_models()

        got_request_exception.connect(note_database_unavailable, dispatch_uid="sendtracker-database-unavailable")
